package dev.herald.chaos;

import static org.awaitility.Awaitility.await;

import dev.herald.config.ConfigLoader;
import dev.herald.daemon.Assembly;
import dev.herald.daemon.Stores;
import dev.herald.intake.IntakeListener;
import dev.herald.intake.IntakeLoop;
import dev.herald.store.IntentStream;
import dev.herald.store.redis.RedisKeys;
import dev.herald.testing.RedisClusterSet;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XAddParams;

/**
 * How fast one process's intake settles a backlog of intents: one stream of one Redis against the
 * 16 shards' streams of a Redis Cluster (three masters), each read by a consumer of its own. The
 * figure for README; only with {@code -Pchaos} (it measures, it does not check a guarantee): the
 * pom leaves it out of the default build rather than have it skipped.
 */
class IntakeShardsRateIT {

  @TempDir Path dir;

  @Test
  void the_intake_rate_of_one_stream_and_of_sixteen_shard_streams() throws Exception {
    int intents = 20_000;
    List<String> one = new ArrayList<>();
    List<String> sixteen = new ArrayList<>();
    try (RedisServerProcess redis = RedisServerProcess.start();
        RedisClusterSet cluster = RedisClusterSet.start()) {
      for (int run = 0; run < 3; run++) {
        one.add(
            rate(
                List.of("redis:", "  url: " + redis.url(), "shards: 1"),
                1,
                intents,
                null,
                List.of(redis)));
        sixteen.add(rate(cluster.redisYaml(16), 16, intents, cluster, cluster.masters()));
      }
    }
    Chaos.report(
        "intake rate by shards",
        String.format(
            "%d intents of 10 recipients, ~300-byte payload, batch 200, one process: 1 shard (one"
                + " Redis) %s; 16 shards (cluster of 3 masters) %s",
            intents, one, sixteen));
  }

  /** The rate, and the Redis CPU each master spent per intent meanwhile. */
  private String rate(
      List<String> redisYaml,
      int shards,
      int intents,
      RedisClusterSet cluster,
      List<RedisServerProcess> masters)
      throws Exception {
    String ns = TestRedis.namespace();
    List<String> lines = new ArrayList<>(redisYaml);
    lines.addAll(
        List.of(
            "namespace: " + ns,
            "gateway:",
            "  stream: " + ns + ":gw",
            "intake:",
            "  stream: " + ns + ":intents",
            "  batch-size: 200"));
    Path file = dir.resolve("herald-" + ns.replace(':', '-') + ".yaml");
    Files.writeString(file, String.join("\n", lines) + "\n");
    List<String> streams =
        RedisKeys.ofShards(ns, shards).stream().map(k -> k.stream(ns + ":intents")).toList();
    String payload = "{\"text\":\"" + "x".repeat(280) + "\"}";
    try (Stores stores =
            new Stores(new ConfigLoader(Map.of()).load(file), Clock.systemUTC(), shards + 4);
        UnifiedJedis raw = client(lines, cluster)) {
      Assembly assembly = stores.assembly();
      IntentStream all = stores.backend().intents(assembly.intentNames(), Assembly.INTAKE_BLOCK);
      all.createGroup();
      // Watched on a client of its own, as the console and `herald stats` watch a daemon's intake:
      // the loop's client has one connection per shard, each held by a blocking read most of the
      // time, and a poll on it waits for one of them (the 6.2 pass timed out there).
      IntentStream watched = stores.backend().intents(assembly.intentNames(), Duration.ZERO);
      for (int i = 0; i < intents; i++) {
        StringBuilder recipients = new StringBuilder();
        for (int r = 0; r < 10; r++) {
          recipients.append(r == 0 ? "" : ",").append("\"u-").append(i).append('-').append(r);
          recipients.append('"');
        }
        raw.xadd(
            streams.get(i % shards),
            XAddParams.xAddParams(),
            Map.of(
                "intent",
                "{\"type\":\"t\",\"producer\":\"p\",\"recipients\":["
                    + recipients
                    + "],\"channels\":[\"push\"],\"payload\":"
                    + payload
                    + "}"));
      }
      IntakeLoop loop = assembly.intakeLoop(all, IntakeListener.NONE, "rate");
      List<Double> cpuBefore = masters.stream().map(IntakeShardsRateIT::cpu).toList();
      long start = System.nanoTime();
      loop.start();
      try {
        await()
            .atMost(Duration.ofMinutes(5))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> {
                  var s = watched.snapshot();
                  return s.streamLength() == 0 && s.pending() == 0;
                });
      } finally {
        loop.stop(Duration.ofSeconds(5));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      List<String> perIntent = new ArrayList<>();
      for (int m = 0; m < masters.size(); m++) {
        perIntent.add(
            String.format("%.1f", (cpu(masters.get(m)) - cpuBefore.get(m)) * 1e6 / intents));
      }
      return String.format(
          "%.0f intents/s, Redis CPU per intent by master %s µs", intents / seconds, perIntent);
    }
  }

  /** The server's CPU seconds so far (user and system), from INFO cpu. */
  private static double cpu(RedisServerProcess server) {
    double total = 0;
    String info;
    try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", server.port()))) {
      info = j.info("cpu");
    }
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
        total += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return total;
  }

  private static UnifiedJedis client(List<String> lines, RedisClusterSet cluster) {
    if (cluster == null) {
      String url = lines.get(1).trim().substring("url: ".length());
      return RedisClient.create(url);
    }
    return RedisClusterClient.builder()
        .nodes(cluster.addresses().stream().map(HostAndPort::from).collect(Collectors.toSet()))
        .build();
  }
}
