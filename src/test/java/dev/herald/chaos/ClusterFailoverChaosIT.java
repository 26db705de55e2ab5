package dev.herald.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.config.ConfigLoader;
import dev.herald.daemon.Stores;
import dev.herald.domain.NotificationRequest;
import dev.herald.intake.SubmitResult;
import dev.herald.store.redis.RedisKeys;
import dev.herald.testing.Harness;
import dev.herald.testing.RedisClusterSet;
import dev.herald.testing.RedisServerProcess;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.resps.StreamEntry;

/**
 * A master of the cluster killed (SIGKILL) during a drain by two processes: its replica is
 * promoted, Herald follows the new slots, and every route ends in its shard's stream once.
 */
class ClusterFailoverChaosIT {

  private static final int SHARDS = 16;

  @TempDir Path dir;

  @Test
  void a_master_killed_during_a_drain_costs_no_route_and_no_duplicate() throws Exception {
    int routes = Chaos.routes(10_000, 50_000);
    Duration spread = Chaos.duration(Duration.ofSeconds(12), Duration.ofSeconds(40));
    try (RedisClusterSet cluster = RedisClusterSet.start();
        Harness h = new Harness()) {
      String extra = "publisher:\n  workers: 4\nintake:\n  stream: off";
      List<String> redisYaml = cluster.redisYaml(SHARDS);
      Path submitterConfig = h.writeConfig(dir.resolve("submitter"), redisYaml, extra.split("\n"));
      Instant lastDue;
      try (Stores submitter =
          new Stores(new ConfigLoader(Map.of()).load(submitterConfig), Clock.systemUTC(), 4)) {
        lastDue = submitSpread(submitter, routes, spread);
      }
      List<String> streams =
          RedisKeys.ofShards(h.namespace, SHARDS).stream().map(k -> k.stream(h.stream)).toList();
      try (Fleet fleet = new Fleet(dir, 2, h, redisYaml, extra);
          RedisClusterClient raw = ClusterDrainChaosIT.client(cluster)) {
        fleet.startAll();
        await().atMost(Duration.ofSeconds(60)).until(fleet::allUp);
        await()
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .until(() -> streams.stream().mapToLong(raw::xlen).sum() >= routes / 5);

        RedisServerProcess victim = cluster.masters().get(0);
        long killedAt = System.nanoTime();
        victim.kill();
        RedisServerProcess survivor =
            cluster.nodes().stream().filter(n -> n != victim).findFirst().orElseThrow();
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(50))
            .ignoreExceptions()
            .until(() -> clusterOk(survivor) && cluster.masters().size() == 3);
        double promotedAfter = (System.nanoTime() - killedAt) / 1e9;
        Instant promotedAt = Instant.now();

        await()
            .atMost(Chaos.duration(Duration.ofMinutes(2), Duration.ofMinutes(10)))
            .ignoreExceptions()
            .until(() -> streams.stream().mapToLong(raw::xlen).sum() >= routes);
        double drainedAfter = (System.nanoTime() - killedAt) / 1e9;
        Instant drainedAt = Instant.now();

        Set<String> distinct = new HashSet<>();
        long entries = 0;
        for (String stream : streams) {
          List<StreamEntry> read = ClusterDrainChaosIT.readAll(raw, stream);
          entries += read.size();
          read.forEach(e -> distinct.add(e.getFields().get("event_id")));
        }
        System.out.printf(
            "cluster failover: %d routes, promoted %.1fs after the kill, drained %.1fs after it;"
                + " %d entries, %d distinct%n",
            routes, promotedAfter, drainedAfter, entries, distinct.size());
        // Publishing goes on within seconds of the promotion: no batch in hand waits out its lease
        // (30 s) because one shard failed while it was being claimed.
        Instant bound = (promotedAt.isAfter(lastDue) ? promotedAt : lastDue).plusSeconds(10);
        assertThat(drainedAt)
            .as("drained by 10 s after the promotion or the last due time")
            .isBefore(bound);
        assertThat(distinct).as("distinct routes in the shard streams").hasSize(routes);
        assertThat(entries).as("entries, duplicates included").isEqualTo(routes);
      }
    }
  }

  private static boolean clusterOk(RedisServerProcess node) {
    try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", node.port()))) {
      return j.clusterInfo().contains("cluster_state:ok");
    }
  }

  /**
   * Notifications of 10 recipients, due evenly over {@code spread} from half a second on; returns
   * when the last is due.
   */
  private static Instant submitSpread(Stores stores, int routes, Duration spread) {
    var intake = stores.intake();
    Instant start = Instant.now().plusMillis(500);
    int notifications = routes / 10;
    List<NotificationRequest> batch = new ArrayList<>();
    for (int i = 0; i < notifications; i++) {
      String[] recipients = new String[10];
      for (int r = 0; r < 10; r++) {
        recipients[r] = "u-" + i + "-" + r;
      }
      long offset = spread.toMillis() * i / notifications;
      batch.add(Harness.notification(recipients).sendAt(start.plusMillis(offset)).build());
      if (batch.size() == 200 || i == notifications - 1) {
        for (SubmitResult r : intake.submit(batch)) {
          assertThat(r.outcome()).as("%s", r).isEqualTo(SubmitResult.Outcome.ACCEPTED);
        }
        batch.clear();
      }
    }
    return start.plus(spread);
  }
}
