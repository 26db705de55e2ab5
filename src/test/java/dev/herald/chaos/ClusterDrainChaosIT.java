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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Herald on a real Redis Cluster (three masters, three replicas): routes across 16 shards, drained
 * by two {@code herald run} processes of four workers each. Every route is appended once, to its
 * shard's stream, and each shard carries its share (within 20% of the mean).
 */
class ClusterDrainChaosIT {

  private static final int SHARDS = 16;

  @TempDir Path dir;

  @Test
  void two_processes_publish_every_route_of_sixteen_shards_once_each_shard_its_share()
      throws Exception {
    int routes = Chaos.routes(10_000, 100_000);
    try (RedisClusterSet cluster = RedisClusterSet.start();
        Harness h = new Harness()) {
      String extra = "publisher:\n  workers: 4\nintake:\n  stream: off";
      List<String> redisYaml = cluster.redisYaml(SHARDS);
      Path submitterConfig = h.writeConfig(dir.resolve("submitter"), redisYaml, extra.split("\n"));
      List<String> ids;
      try (Stores submitter =
          new Stores(new ConfigLoader(Map.of()).load(submitterConfig), Clock.systemUTC(), 4)) {
        ids = submit(submitter, routes);
      }
      try (Fleet fleet = new Fleet(dir, 2, h, redisYaml, extra);
          RedisClusterClient raw = client(cluster)) {
        fleet.startAll();
        await().atMost(Duration.ofSeconds(60)).until(fleet::allUp);
        List<String> streams =
            RedisKeys.ofShards(h.namespace, SHARDS).stream().map(k -> k.stream(h.stream)).toList();
        await()
            .atMost(Chaos.duration(Duration.ofMinutes(2), Duration.ofMinutes(10)))
            .ignoreExceptions()
            .until(() -> streams.stream().mapToLong(raw::xlen).sum() >= routes);

        Set<String> distinct = new HashSet<>();
        long entries = 0;
        Map<String, Long> perShard = new LinkedHashMap<>();
        for (String stream : streams) {
          List<StreamEntry> read = readAll(raw, stream);
          perShard.put(stream, (long) read.size());
          entries += read.size();
          read.forEach(e -> distinct.add(e.getFields().get("event_id")));
        }
        assertThat(distinct).as("distinct routes in the shard streams").hasSize(routes);
        assertThat(entries).as("entries, duplicates included").isEqualTo(routes);
        double mean = (double) routes / SHARDS;
        assertThat(perShard.values())
            .as("routes per shard stream (mean %.0f): %s", mean, perShard)
            .allSatisfy(n -> assertThat((double) n).isBetween(mean * 0.8, mean * 1.2));
        // Each notification's routes went to the stream of the shard its id names.
        assertThat(ids).hasSize(routes / 10);
        System.out.printf(
            "cluster drain: %d routes, 16 shards, 2 processes x 4 workers: per shard %s%n",
            routes, perShard.values());
      }
    }
  }

  private static List<String> submit(Stores stores, int routes) {
    List<String> ids = new ArrayList<>();
    List<NotificationRequest> batch = new ArrayList<>();
    var intake = stores.intake();
    for (int i = 0; i < routes / 10; i++) {
      String[] recipients = new String[10];
      for (int r = 0; r < 10; r++) {
        recipients[r] = "u-" + i + "-" + r;
      }
      batch.add(Harness.notification(recipients).build());
      if (batch.size() == 200 || i == routes / 10 - 1) {
        for (SubmitResult r : intake.submit(batch)) {
          assertThat(r.outcome()).as("%s", r).isEqualTo(SubmitResult.Outcome.ACCEPTED);
          ids.add(r.notificationId());
        }
        batch.clear();
      }
    }
    return ids;
  }

  static RedisClusterClient client(RedisClusterSet cluster) {
    Set<HostAndPort> seeds =
        cluster.addresses().stream().map(HostAndPort::from).collect(Collectors.toSet());
    return RedisClusterClient.builder().nodes(seeds).build();
  }

  static List<StreamEntry> readAll(RedisClusterClient raw, String stream) {
    List<StreamEntry> all = new ArrayList<>();
    StreamEntryID from = null;
    while (true) {
      List<StreamEntry> page =
          from == null
              ? raw.xrange(stream, (StreamEntryID) null, (StreamEntryID) null, 1000)
              : raw.xrange(stream, "(" + from, "+", 1000);
      all.addAll(page);
      if (page.size() < 1000) {
        return all;
      }
      from = page.get(page.size() - 1).getID();
    }
  }
}
