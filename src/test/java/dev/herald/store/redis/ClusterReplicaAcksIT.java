package dev.herald.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import dev.herald.daemon.Stores;
import dev.herald.domain.Shards;
import dev.herald.intake.SubmitResult;
import dev.herald.testing.Harness;
import dev.herald.testing.RedisClusterSet;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * {@code durability.replicas} on a Redis Cluster: each batch's WAIT goes to the master its script
 * ran on (the shard's), on the script's connection. A frozen replica of that master leaves the
 * batch unacknowledged, counted; a WAIT sent to any other master would count that master's live
 * replica at once.
 */
class ClusterReplicaAcksIT {

  private static final int SHARDS = 16;

  @TempDir Path dir;

  @Test
  void a_batch_waits_for_the_replica_of_its_own_shards_master() throws Exception {
    try (RedisClusterSet cluster = RedisClusterSet.start()) {
      Map<Integer, Integer> masterOfSlot = new HashMap<>();
      Map<Integer, RedisServerProcess> replicaOf = new HashMap<>();
      readTopology(cluster, masterOfSlot, replicaOf);
      // A shard on another master than the slot of any fixed key a WAIT could be routed by.
      int elsewhere = masterOfSlot.get(ShardTags.slot("wait"));
      int shard = -1;
      for (int i = 0; i < SHARDS && shard < 0; i++) {
        if (masterOfSlot.get(ShardTags.slot(ShardTags.tag(i, SHARDS))) != elsewhere) {
          shard = i;
        }
      }
      int master = masterOfSlot.get(ShardTags.slot(ShardTags.tag(shard, SHARDS)));
      RedisServerProcess replica = replicaOf.get(master);

      try (Stores stores = new Stores(config(cluster), Clock.systemUTC(), 4)) {
        String key = keyIn(shard, 0);
        assertThat(submit(stores, key)).isEqualTo(SubmitResult.Outcome.ACCEPTED);
        assertThat(stores.backend().primary().unacknowledgedBatches()).isZero();

        replica.pause();
        long start = System.nanoTime();
        try {
          assertThat(submit(stores, keyIn(shard, 1))).isEqualTo(SubmitResult.Outcome.ACCEPTED);
        } finally {
          replica.resume();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .isGreaterThanOrEqualTo(Duration.ofMillis(190));
        assertThat(stores.backend().primary().unacknowledgedBatches())
            .as("the batch of shard %d on master %d, whose replica was frozen", shard, master)
            .isEqualTo(1);
      }
    }
  }

  private HeraldConfig config(RedisClusterSet cluster) throws Exception {
    String ns = TestRedis.namespace();
    List<String> lines = new ArrayList<>(cluster.redisYaml(SHARDS));
    lines.addAll(
        List.of(
            "namespace: " + ns,
            "gateway:",
            "  stream: " + ns + ":gw",
            "intake:",
            "  stream: off",
            "durability:",
            "  replicas: 1",
            "  replica-timeout: 200ms"));
    Path file = dir.resolve("herald.yaml");
    Files.writeString(file, String.join("\n", lines) + "\n");
    return new ConfigLoader(Map.of()).load(file);
  }

  private static SubmitResult.Outcome submit(Stores stores, String key) {
    return stores
        .intake()
        .submit(List.of(Harness.notification("u-1").idempotencyKey(key).build()))
        .get(0)
        .outcome();
  }

  /**
   * The {@code n}-th idempotency key of producer {@code game-engine} that lands in {@code shard}.
   */
  private static String keyIn(int shard, int n) {
    Shards layout = new Shards(SHARDS);
    int found = 0;
    for (int i = 0; ; i++) {
      String key = "k-" + i;
      if (layout.ofIdempotencyKey("game-engine", key) == shard && found++ == n) {
        return key;
      }
    }
  }

  /** Each slot's master port, and each master's replica, from CLUSTER NODES. */
  private static void readTopology(
      RedisClusterSet cluster,
      Map<Integer, Integer> masterOfSlot,
      Map<Integer, RedisServerProcess> replicaOf) {
    RedisServerProcess any = cluster.nodes().get(0);
    String nodes;
    try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", any.port()))) {
      nodes = j.clusterNodes();
    }
    Map<String, Integer> portOfId = new HashMap<>();
    for (String line : nodes.split("\n")) {
      String[] f = line.trim().split(" ");
      portOfId.put(
          f[0], Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1, f[1].indexOf('@'))));
    }
    for (String line : nodes.split("\n")) {
      String[] f = line.trim().split(" ");
      int port = portOfId.get(f[0]);
      if (f[2].contains("master")) {
        for (int k = 8; k < f.length; k++) {
          String[] range = f[k].split("-");
          int from = Integer.parseInt(range[0]);
          int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
          for (int slot = from; slot <= to; slot++) {
            masterOfSlot.put(slot, port);
          }
        }
      }
    }
    // Each replica says whose it is (INFO replication reads the same on 6.2 and 7.0).
    for (RedisServerProcess n : cluster.nodes()) {
      try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", n.port()))) {
        for (String line : j.info("replication").split("\r?\n")) {
          if (line.startsWith("master_port:")) {
            replicaOf.put(Integer.parseInt(line.substring("master_port:".length()).trim()), n);
          }
        }
      }
    }
  }
}
