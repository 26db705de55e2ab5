package dev.herald.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.config.ConfigLoader;
import dev.herald.daemon.Stores;
import dev.herald.testing.Harness;
import dev.herald.testing.RedisClusterSet;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClusterClient;

/**
 * Herald on a real Redis Cluster (three masters, three replicas): routes across 16 shards, drained
 * by two {@code herald run} processes of four workers each. Every route is appended once, to its
 * shard's stream, at its first attempt, and each shard carries its share (within 20% of the mean).
 */
class ClusterDrainChaosIT {

  @TempDir Path dir;

  @Test
  void two_processes_publish_every_route_of_sixteen_shards_once_each_shard_its_share()
      throws Exception {
    int routes = Chaos.routes(10_000, 100_000);
    int shards = ClusterChaos.SHARDS;
    try (RedisClusterSet cluster = RedisClusterSet.start();
        Harness h = new Harness()) {
      List<String> redisYaml = cluster.redisYaml(shards);
      Path submitterConfig =
          h.writeConfig(dir.resolve("submitter"), redisYaml, ClusterChaos.EXTRA.split("\n"));
      List<String> streams = ClusterChaos.streams(h);
      try (Stores stores =
              new Stores(new ConfigLoader(Map.of()).load(submitterConfig), Clock.systemUTC(), 4);
          RedisClusterClient raw = ClusterChaos.client(cluster)) {
        List<String> ids = ClusterChaos.submit(stores, routes, Duration.ZERO);
        assertThat(ids).hasSize(routes / 10);
        try (Fleet fleet = new Fleet(dir, 2, h, redisYaml, ClusterChaos.EXTRA)) {
          fleet.startAll();
          await().atMost(Duration.ofSeconds(60)).until(fleet::allUp);
          await()
              .atMost(Chaos.duration(Duration.ofMinutes(2), Duration.ofMinutes(10)))
              .pollInterval(Duration.ofMillis(100))
              .ignoreExceptions()
              .until(() -> ClusterChaos.published(raw, streams) >= routes);
          ClusterChaos.Count count = ClusterChaos.count(raw, streams);
          double drainSecs = count.spanSeconds();
          double mean = (double) routes / shards;
          long min = count.perStream().values().stream().mapToLong(Long::longValue).min().orElse(0);
          long max = count.perStream().values().stream().mapToLong(Long::longValue).max().orElse(0);
          Chaos.report(
              "cluster drain",
              String.format(
                  "%d routes, 16 shards, 2 processes x 4 workers: drained in %.1fs (first append to"
                      + " last, %.0f routes/s);"
                      + " %d entries, %d distinct; per shard %d to %d (mean %.0f: %+.1f%% to"
                      + " %+.1f%%)",
                  routes,
                  drainSecs,
                  routes / drainSecs,
                  count.entries(),
                  count.distinct(),
                  min,
                  max,
                  mean,
                  100 * (min - mean) / mean,
                  100 * (max - mean) / mean));
          assertThat(count.distinct()).as("distinct routes in the shard streams").isEqualTo(routes);
          assertThat(count.entries()).as("entries, duplicates included").isEqualTo(routes);
          assertThat(count.perStream().values())
              .as("routes per shard stream (mean %.0f): %s", mean, count.perStream())
              .allSatisfy(n -> assertThat((double) n).isBetween(mean * 0.8, mean * 1.2));
          ClusterChaos.assertPublishedAtFirstAttempt(stores, raw, h, ids);
        }
      }
    }
  }
}
