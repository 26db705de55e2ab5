package dev.herald.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.config.ConfigLoader;
import dev.herald.daemon.Stores;
import dev.herald.store.redis.RedisKeys;
import dev.herald.testing.Harness;
import dev.herald.testing.HeraldAcl;
import dev.herald.testing.RedisClusterSet;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.Secrets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Slots moved between masters while two processes drain, the way an operator reshards: the steps of
 * {@code redis-cli --cluster reshard} ({@link RedisClusterSet#reshard}) move the slots of a few
 * shards from one master to another, key by key, then a fourth master joins and {@code rebalance}
 * moves a quarter of the slots onto it (a master that has no scripts loaded). Every route is
 * published once, at its first attempt; none is quarantined or dead. Herald logs in as the user of
 * the shipped ACL, on every node.
 */
class ClusterReshardChaosIT {

  @TempDir Path dir;

  @Test
  void moving_shards_between_masters_during_a_drain_costs_no_route_no_duplicate_no_attempt()
      throws Exception {
    int routes = Chaos.routes(10_000, 100_000);
    Duration spread = Chaos.duration(Duration.ofSeconds(20), Duration.ofSeconds(60));
    try (RedisClusterSet cluster = RedisClusterSet.start();
        Harness h = new Harness()) {
      cluster.acl(
          "herald",
          HeraldAcl.rulesFor(
              Path.of("config", "herald.acl"), Secrets.REDIS_PASSWORD, h.namespace, h.stream));
      List<String> redisYaml = new ArrayList<>(cluster.redisYaml(ClusterChaos.SHARDS));
      int shardsLine = redisYaml.size() - 1;
      redisYaml.add(shardsLine, "    password: " + Secrets.REDIS_PASSWORD);
      redisYaml.add(shardsLine, "    user: herald");
      String[] extra = ClusterChaos.EXTRA.split("\n");
      Path submitterConfig = h.writeConfig(dir.resolve("submitter"), redisYaml, extra);
      List<String> streams = ClusterChaos.streams(h);
      try (Stores stores =
              new Stores(new ConfigLoader(Map.of()).load(submitterConfig), Clock.systemUTC(), 4);
          RedisClusterClient raw = ClusterChaos.client(cluster)) {
        ClusterChaos.seedAsAfterAWhile(raw, h);
        long submitStart = System.nanoTime();
        List<String> ids = ClusterChaos.submit(stores, routes, spread);
        long drainFrom = System.nanoTime();
        try (Fleet fleet = new Fleet(dir, 2, h, redisYaml, ClusterChaos.EXTRA)) {
          fleet.startAll();
          await().atMost(Duration.ofSeconds(60)).until(fleet::allUp);
          await()
              .atMost(Duration.ofSeconds(60))
              .ignoreExceptions()
              .until(() -> ClusterChaos.published(raw, streams) >= routes / 10);

          List<Integer> slots =
              RedisKeys.ofShards(h.namespace, ClusterChaos.SHARDS).stream()
                  .map(k -> JedisClusterCRC16.getSlot(k.schedule()))
                  .toList();
          RedisServerProcess via = cluster.masters().get(0);
          List<RedisServerProcess> before = owners(cluster, slots, via);
          RedisServerProcess from = before.get(0);
          RedisServerProcess to =
              cluster.masters().stream().filter(m -> m != from).findFirst().orElseThrow();
          // The lowest 2,100 slots of shard 0's master: shard 0's and the next one or two.
          long publishedAtReshard = ClusterChaos.published(raw, streams);
          long t0 = System.nanoTime();
          cluster.reshard(from, to, 2_100);
          double reshardSecs = (System.nanoTime() - t0) / 1e9;
          List<RedisServerProcess> afterReshard = owners(cluster, slots, via);
          int movedByReshard = changed(before, afterReshard);

          long t1 = System.nanoTime();
          RedisServerProcess added = cluster.addMaster();
          cluster.rebalance();
          double rebalanceSecs = (System.nanoTime() - t1) / 1e9;
          long publishedAfterRebalance = ClusterChaos.published(raw, streams);
          List<RedisServerProcess> afterRebalance = owners(cluster, slots, via);
          int movedByRebalance = changed(afterReshard, afterRebalance);
          long onAdded = afterRebalance.stream().filter(o -> o == added).count();

          await()
              .atMost(Chaos.duration(Duration.ofMinutes(2), Duration.ofMinutes(10)))
              .ignoreExceptions()
              .until(() -> ClusterChaos.published(raw, streams) >= routes);
          double drainSecs = (System.nanoTime() - drainFrom) / 1e9;

          ClusterChaos.Count count = ClusterChaos.count(raw, streams);
          String figures =
              String.format(
                  "%d routes, 16 shards, 2 processes x 4 workers, submitted in %.1fs due over %ds;"
                      + " reshard of 2,100 slots (%d shards moved) %.1fs, from %d published;"
                      + " a 4th master added and rebalanced onto (%d shards moved, %d onto it)"
                      + " %.1fs, %d published by its end; drained %.1fs after the start;"
                      + " %d entries, %d distinct, duplicated %d, lost %d",
                  routes,
                  (drainFrom - submitStart) / 1e9,
                  spread.toSeconds(),
                  movedByReshard,
                  reshardSecs,
                  publishedAtReshard,
                  movedByRebalance,
                  onAdded,
                  rebalanceSecs,
                  publishedAfterRebalance,
                  drainSecs,
                  count.entries(),
                  count.distinct(),
                  count.duplicated(),
                  routes - count.distinct());
          Chaos.report("cluster reshard", figures);
          assertThat(movedByReshard).as("shards the reshard moved").isPositive();
          assertThat(onAdded).as("shards on the added master").isPositive();
          assertThat(count.distinct()).as("distinct routes in the shard streams").isEqualTo(routes);
          assertThat(count.entries()).as("entries, duplicates included").isEqualTo(routes);
          ClusterChaos.assertPublishedAtFirstAttempt(stores, raw, h, ids);
        }
      }
    }
  }

  private static List<RedisServerProcess> owners(
      RedisClusterSet cluster, List<Integer> slots, RedisServerProcess via) {
    return slots.stream().map(s -> cluster.ownerOf(s, via)).toList();
  }

  private static int changed(List<RedisServerProcess> a, List<RedisServerProcess> b) {
    int n = 0;
    for (int i = 0; i < a.size(); i++) {
      n += a.get(i) == b.get(i) ? 0 : 1;
    }
    return n;
  }
}
