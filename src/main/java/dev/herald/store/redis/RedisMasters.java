package dev.herald.store.redis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The masters under a backend's shards, for the benchmarks' per-master figures and for commands
 * that must go to every master ({@code INFO}, {@code SCAN}): on a cluster the master of each
 * shard's slot as the client's slot map has it, each reached through that map; on one Redis the one
 * server, serving every shard.
 */
final class RedisMasters {

  /**
   * @param address {@code host:port} as {@code CLUSTER SLOTS} names it
   * @param shards the shards whose slot it serves, ascending
   * @param slot a slot it serves (its first shard's), the way to reach it; -1 on one Redis
   */
  record Master(String address, List<Integer> shards, int slot) {}

  private final UnifiedJedis redis;
  private final List<RedisKeys> shardKeys;
  private final String serverAddress;

  /**
   * @param serverAddress what to call the one server when {@code redis} is not a cluster client
   */
  RedisMasters(UnifiedJedis redis, List<RedisKeys> shardKeys, String serverAddress) {
    this.redis = redis;
    this.shardKeys = shardKeys;
    this.serverAddress = serverAddress;
  }

  boolean cluster() {
    return redis instanceof RedisClusterClient;
  }

  /** The masters serving a shard now, in address order (a failover or reshard changes them). */
  List<Master> masters() {
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < shardKeys.size(); i++) {
      all.add(i);
    }
    if (!cluster()) {
      return List.of(new Master(serverAddress, all, -1));
    }
    int firstSlot = JedisClusterCRC16.getSlot(shardKeys.get(0).schedule());
    // One CLUSTER SLOTS for the whole map: asking each shard's master who it is would cost a round
    // trip per shard inside the benchmark's measurement.
    List<Object> ranges =
        RedisErrors.call(
            "reading the cluster's slots", () -> onSlot(firstSlot, Jedis::clusterSlots));
    Map<String, List<Integer>> shards = new TreeMap<>();
    Map<String, Integer> slots = new LinkedHashMap<>();
    for (int i : all) {
      int slot = JedisClusterCRC16.getSlot(shardKeys.get(i).schedule());
      String address = masterOf(ranges, slot);
      shards.computeIfAbsent(address, a -> new ArrayList<>()).add(i);
      slots.putIfAbsent(address, slot);
    }
    List<Master> masters = new ArrayList<>();
    shards.forEach((address, s) -> masters.add(new Master(address, s, slots.get(address))));
    return masters;
  }

  /**
   * The {@code host:port} of the master of {@code slot} in a {@code CLUSTER SLOTS} reply: ranges of
   * {@code [start, end, [host, port, id], replicas…]}.
   */
  static String masterOf(List<Object> ranges, int slot) {
    for (Object o : ranges) {
      List<?> range = (List<?>) o;
      long start = (Long) range.get(0);
      long end = (Long) range.get(1);
      if (slot >= start && slot <= end) {
        List<?> master = (List<?>) range.get(2);
        return ScriptArgs.text(master.get(0)) + ":" + master.get(1);
      }
    }
    throw new dev.herald.store.StoreException(
        "CLUSTER SLOTS names no master for slot " + slot + ": is every slot served?");
  }

  /** Runs {@code call} on a connection to {@code master} alone. */
  <T> T on(Master master, Function<Jedis, T> call) {
    if (!cluster()) {
      throw new IllegalStateException("one Redis: call the client itself");
    }
    return onSlot(master.slot(), call);
  }

  private <T> T onSlot(int slot, Function<Jedis, T> call) {
    RedisClusterClient client = (RedisClusterClient) redis;
    try (Connection connection = client.getConnectionFromSlot(slot);
        Jedis jedis = new Jedis(connection)) {
      return call.apply(jedis);
    }
  }

  /** {@code INFO section} of a master. */
  String info(Master master, String section) {
    return RedisErrors.call(
        "reading INFO " + section + " of " + master.address(),
        () -> cluster() ? on(master, j -> j.info(section)) : redis.info(section));
  }

  /** A field of an {@code INFO} reply; null when absent. */
  static String field(String info, String name) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1).trim();
      }
    }
    return null;
  }

  /** The slot of a key, to group keys that one multi-key command may take on a cluster. */
  static int slot(String key) {
    return JedisClusterCRC16.getSlot(key);
  }
}
