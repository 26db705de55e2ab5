package dev.herald.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.domain.NotificationRequest;
import dev.herald.store.redis.RedisKeys;
import dev.herald.testing.Harness;
import dev.herald.testing.HeraldProcess;
import dev.herald.testing.RedisClusterSet;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.TestRedis;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * {@code herald migrate} killed with SIGKILL as soon as it has written into the cluster, then run
 * again: every notification is in the 16 shards once, with its schedule entry and, for the keyed
 * half, its idempotency record, and none is left in the source. The second run's rate is the figure
 * the README quotes (100,000 notifications with {@code -Pchaos}).
 */
class MigrateChaosIT {

  private static final int SHARDS = 16;

  @TempDir Path dir;

  @Test
  void a_migration_killed_part_way_and_run_again_moves_every_notification_once() throws Exception {
    int n = Chaos.routes(5_000, 100_000);
    try (RedisClusterSet cluster = RedisClusterSet.start();
        Harness h = Harness.realTime(TestRedis.url());
        RedisClusterClient target = client(cluster)) {
      Set<String> ids = new HashSet<>(fill(h, n));
      String[] extra = {"intake:", "  stream: 'off'", "ops:", "  listen: 127.0.0.1:0"};
      Path from = h.writeConfig(dir.resolve("old"), extra);
      Path to = h.writeConfig(dir.resolve("new"), cluster.redisYaml(SHARDS), extra);
      String[] args = {"migrate", "--from", from.toString(), "--config", to.toString(), "--json"};

      HeraldProcess first =
          HeraldProcess.command(dir.resolve("first.out"), dir.resolve("first.log"), "512m", args);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(2))
          .until(() -> !first.isAlive() || keysOn(cluster) > 0);
      first.kill();
      first.waitForExit(10);
      long left = keysIn(h, h.keys.notification("") + "*");
      assertThat(left).as("records left in the source by the killed run").isPositive();

      HeraldProcess second =
          HeraldProcess.command(dir.resolve("second.out"), dir.resolve("second.log"), "512m", args);
      assertThat(second.waitForExit(300)).as(second.log()).isZero();
      JsonNode tally = new ObjectMapper().readTree(Files.readString(dir.resolve("second.out")));

      assertThat(keysIn(h, h.keys.notification("") + "*")).isZero();
      assertThat(keysIn(h, h.keys.prefix() + "idem:*")).isZero();
      assertThat(h.raw.exists(h.keys.schedule())).isFalse();
      Set<String> moved = new HashSet<>();
      long records = 0;
      long schedule = 0;
      long idempotency = 0;
      for (RedisKeys shard : RedisKeys.ofShards(h.namespace, SHARDS)) {
        String prefix = shard.notification("");
        List<String> found = scan(cluster, prefix.replace("{", "\\{").replace("}", "\\}") + "*");
        records += found.size();
        found.forEach(k -> moved.add(k.substring(prefix.length())));
        schedule += target.zcard(shard.schedule());
        idempotency +=
            scan(cluster, (shard.prefix() + "idem:").replace("{", "\\{").replace("}", "\\}") + "*")
                .size();
      }
      assertThat(records).as("records in the shards, duplicates included").isEqualTo(n);
      assertThat(moved).isEqualTo(ids);
      assertThat(schedule).isEqualTo(n);
      assertThat(idempotency).isEqualTo(n / 2);
      Chaos.report(
          "migrate to 16 shards, SIGKILL then rerun",
          String.format(
              "%,d notifications; the killed run left %,d; the rerun moved %,d (%,d finished from"
                  + " a half copy) in %.1fs: %,d notifications/s",
              n,
              left,
              tally.get("totals").get("notifications").asLong(),
              tally.get("resumed").asLong(),
              tally.get("seconds").asDouble(),
              tally.get("notifications_per_second").asLong()));
    }
  }

  /** {@code n} pending notifications of one route, every other one with an idempotency key. */
  private static List<String> fill(Harness h, int n) {
    List<String> ids = new ArrayList<>();
    List<NotificationRequest> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      NotificationRequest.Builder b = Harness.notification("u-" + i);
      batch.add((i % 2 == 0 ? b.idempotencyKey("k-" + i) : b).build());
      if (batch.size() == 1000 || i == n - 1) {
        ids.addAll(h.submit(batch.toArray(NotificationRequest[]::new)));
        batch.clear();
      }
    }
    return ids;
  }

  private static long keysIn(Harness h, String pattern) {
    long count = 0;
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = h.raw.scan(cursor, new ScanParams().match(pattern).count(5000));
      count += page.getResult().size();
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    return count;
  }

  /** How many keys the cluster's masters hold (a cluster of this test's own): DBSIZE. */
  private static long keysOn(RedisClusterSet cluster) {
    long n = 0;
    for (RedisServerProcess master : cluster.masters()) {
      try (RedisClient c = RedisClient.create(URI.create(master.url()))) {
        n += c.dbSize();
      }
    }
    return n;
  }

  private static List<String> scan(RedisClusterSet cluster, String pattern) {
    List<String> out = new ArrayList<>();
    for (RedisServerProcess master : cluster.masters()) {
      try (RedisClient c = RedisClient.create(URI.create(master.url()))) {
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
          ScanResult<String> page = c.scan(cursor, new ScanParams().match(pattern).count(5000));
          out.addAll(page.getResult());
          cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
      }
    }
    return out;
  }

  private static RedisClusterClient client(RedisClusterSet cluster) {
    Set<HostAndPort> seeds =
        cluster.addresses().stream().map(HostAndPort::from).collect(Collectors.toSet());
    return RedisClusterClient.builder().nodes(seeds).build();
  }
}
