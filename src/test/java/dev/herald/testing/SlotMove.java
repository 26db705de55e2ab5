package dev.herald.testing;

import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.MigrateParams;

/**
 * One slot of a {@link RedisClusterSet} moved by hand, the steps {@code redis-cli --cluster
 * reshard} takes for each slot (and {@link RedisClusterSet#reshard} takes), with the test choosing
 * which keys go first: the target set {@code IMPORTING}, the source {@code MIGRATING}, keys {@code
 * MIGRATE}d, then every master told the new owner ({@code SETSLOT … NODE}). Between {@link #begin}
 * and {@link #finish} the slot is half-moved.
 */
public final class SlotMove {

  /** Keys per MIGRATE, as redis-cli's --cluster-pipeline default. */
  private static final int PIPELINE = 10;

  private final List<RedisServerProcess> masters;
  private final int slot;
  private final RedisServerProcess source;
  private final RedisServerProcess target;

  private SlotMove(
      List<RedisServerProcess> masters,
      int slot,
      RedisServerProcess source,
      RedisServerProcess target) {
    this.masters = masters;
    this.slot = slot;
    this.source = source;
    this.target = target;
  }

  /** Opens the move of {@code slot} from its master to another master. */
  public static SlotMove begin(RedisClusterSet cluster, int slot) {
    RedisServerProcess source = null;
    RedisServerProcess target = null;
    List<RedisServerProcess> masters = cluster.masters();
    for (RedisServerProcess m : masters) {
      try (Jedis j = jedis(m)) {
        if (j.clusterCountKeysInSlot(slot) > 0 || RedisClusterSet.slotsOf(m).contains(slot)) {
          source = m;
        } else if (target == null) {
          target = m;
        }
      }
    }
    if (source == null || target == null) {
      throw new IllegalStateException("no owner or no other master for slot " + slot);
    }
    return between(masters, slot, source, target);
  }

  /**
   * Opens the move of {@code slot} from {@code source} to {@code target}, two of {@code masters}.
   */
  static SlotMove between(
      List<RedisServerProcess> masters,
      int slot,
      RedisServerProcess source,
      RedisServerProcess target) {
    try (Jedis s = jedis(source);
        Jedis t = jedis(target)) {
      t.clusterSetSlotImporting(slot, s.clusterMyId());
      s.clusterSetSlotMigrating(slot, t.clusterMyId());
    }
    return new SlotMove(masters, slot, source, target);
  }

  /** Moves these keys of the slot to the target now (absent ones are skipped). */
  public void move(List<String> keys) {
    try (Jedis s = jedis(source)) {
      List<String> present = new ArrayList<>();
      for (String k : keys) {
        if (s.exists(k)) {
          present.add(k);
        }
      }
      if (!present.isEmpty()) {
        migrate(s, present);
      }
    }
  }

  private void migrate(Jedis s, List<String> keys) {
    s.migrate("127.0.0.1", target.port(), 5000, new MigrateParams(), keys.toArray(String[]::new));
  }

  /** The keys of the slot still on the source. */
  public List<String> left() {
    try (Jedis s = jedis(source)) {
      return s.clusterGetKeysInSlot(slot, 100_000);
    }
  }

  /**
   * Moves the rest, {@link #PIPELINE} keys at a time as long as any is left (as redis-cli does),
   * and makes the target the slot's owner on every master.
   */
  public void finish() {
    // The keys GETKEYSINSLOT names are there: no EXISTS per key, as move() makes for a test's list.
    try (Jedis s = jedis(source)) {
      for (List<String> keys = s.clusterGetKeysInSlot(slot, PIPELINE);
          !keys.isEmpty();
          keys = s.clusterGetKeysInSlot(slot, PIPELINE)) {
        migrate(s, keys);
      }
    }
    try (Jedis t = jedis(target)) {
      String targetId = t.clusterMyId();
      t.clusterSetSlotNode(slot, targetId);
      try (Jedis s = jedis(source)) {
        s.clusterSetSlotNode(slot, targetId);
      }
      for (RedisServerProcess m : masters) {
        if (m != source && m != target) {
          try (Jedis o = jedis(m)) {
            o.clusterSetSlotNode(slot, targetId);
          }
        }
      }
    }
  }

  public RedisServerProcess source() {
    return source;
  }

  public RedisServerProcess target() {
    return target;
  }

  private static Jedis jedis(RedisServerProcess node) {
    return new Jedis(new HostAndPort("127.0.0.1", node.port()));
  }
}
