package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.testing.RedisClusterSet;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.RedisTestSupport;
import dev.herald.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * {@code herald bench drain} and {@code floor} on shards: on a real Redis Cluster, with a line per
 * master, and on one Redis; each run tiny, the figures' sense asserted, not their size. Nothing may
 * be left behind on any master.
 */
class ClusterBenchIT {

  private static RedisClusterSet cluster;

  @TempDir Path dir;

  @BeforeAll
  static void startCluster() {
    cluster = RedisClusterSet.start();
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  private String config(List<String> redis, String namespace) throws Exception {
    List<String> lines = new ArrayList<>(redis);
    lines.addAll(
        List.of(
            "namespace: " + namespace,
            "intake:",
            "  stream: off",
            "publisher:",
            "  workers: 2",
            "  poll-interval: 100ms"));
    Path file = dir.resolve("herald.yaml");
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file.toString();
  }

  private static JsonNode bench(String config, String... args) throws Exception {
    List<String> full = new ArrayList<>(List.of("bench"));
    full.addAll(List.of(args));
    full.addAll(List.of("--json", "--config", config));
    CliRun run = CliRun.run("", full.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.err()).isZero();
    return new ObjectMapper().readTree(run.out());
  }

  private static List<String> keysOnMasters(String namespace) {
    List<String> keys = new ArrayList<>();
    for (RedisServerProcess master : cluster.masters()) {
      try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", master.port()))) {
        keys.addAll(j.keys(namespace + ":*"));
      }
    }
    return keys;
  }

  @Test
  void drain_on_a_cluster_reports_each_masters_cpu_share_routes_and_ceiling_and_leaves_nothing()
      throws Exception {
    String ns = TestRedis.namespace();
    String config = config(cluster.redisYaml(16), ns);

    JsonNode r = bench(config, "drain", "--routes", "3000", "--runs", "1", "--warmup", "1000");

    assertThat(r.at("/context/masters").asText()).isEqualTo("3");
    double share = 0;
    long routes = 0;
    List<String> shards = new ArrayList<>();
    for (int k = 1; k <= 3; k++) {
      String m = "/figures/master_" + k + "_";
      assertThat(r.at("/context/master_" + k + "_address").asText()).contains("(shards ");
      shards.add(r.at("/context/master_" + k + "_address").asText());
      share += r.at(m + "redis_cpu_share/median").asDouble();
      routes += r.at(m + "routes/median").asLong();
      assertThat(r.at(m + "routes/median").asLong()).as("master %d carried routes", k).isPositive();
      assertThat(r.at(m + "routes_per_cpu_s/median").asDouble()).isPositive();
      assertThat(r.at(m + "routes_per_s/median").asDouble()).isPositive();
      assertThat(r.at(m + "routes_per_script_call/median").asDouble()).isPositive();
    }
    assertThat(routes).as("every route counted on the master that carried it").isEqualTo(3000);
    assertThat(share).isCloseTo(100, org.assertj.core.data.Offset.offset(0.5));
    assertThat(r.at("/figures/drain_routes_per_s/median").asDouble()).isPositive();
    assertThat(r.at("/figures/redis_cpu_us_per_route/median").asDouble()).isPositive();
    // The JVM counts its process CPU in clock ticks (10 ms on Linux), and a 3,000-route drain
    // publishing inline can take less than a tick: a zero here is the clock, not a missing figure.
    assertThat(r.at("/figures/herald_cpu_us_per_route/median").isNumber()).isTrue();
    assertThat(r.at("/figures/herald_cpu_us_per_route/median").asDouble()).isNotNegative();
    assertThat(r.at("/figures/redis_cpu_busiest_over_mean/median").asDouble())
        .isGreaterThanOrEqualTo(1.0);
    assertThat(r.at("/figures/floor_redis_cpu_us_per_entry/median").asDouble()).isPositive();
    assertThat(keysOnMasters(ns)).as("cleaned up on every master").isEmpty();
  }

  @Test
  void floor_on_a_cluster_reports_redis_cpu_per_entry_and_leaves_nothing() throws Exception {
    String ns = TestRedis.namespace();
    String config = config(cluster.redisYaml(16), ns);

    JsonNode r = bench(config, "floor", "--routes", "1000", "--runs", "1");

    assertThat(r.at("/figures/floor_redis_cpu_us_per_entry/median").asDouble()).isPositive();
    assertThat(r.at("/context/redis").asText()).contains("cluster, 3 masters");
    assertThat(keysOnMasters(ns)).isEmpty();
  }

  @Test
  void drain_with_shards_on_one_redis_counts_one_master_and_leaves_no_shard_behind()
      throws Exception {
    String ns = TestRedis.namespace();
    String config = config(List.of("redis:", "  url: " + TestRedis.heraldUrl(), "shards: 4"), ns);

    JsonNode r = bench(config, "drain", "--routes", "1000", "--runs", "1", "--warmup", "0");

    assertThat(r.at("/context/masters").asText()).isEqualTo("1");
    assertThat(r.at("/context/master_1_address").asText()).endsWith("(shards 0, 1, 2, 3)");
    assertThat(r.at("/figures/master_1_routes/median").asLong()).isEqualTo(1000);
    assertThat(r.at("/figures/master_1_redis_cpu_share/median").asDouble()).isEqualTo(100.0);
    try (var raw = RedisTestSupport.raw()) {
      assertThat(raw.keys(ns + ":*")).as("every shard's keys deleted, not shard 0's").isEmpty();
    }
  }

  @Test
  void the_scenarios_that_do_not_run_on_shards_yet_say_so_and_name_those_that_do()
      throws Exception {
    String config = config(cluster.redisYaml(16), TestRedis.namespace());

    CliRun run = CliRun.run("", "bench", "steady", "--duration", "1s", "--config", config);

    assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err())
        .contains("bench steady runs with shards: 1 only")
        .contains("was 16")
        .contains("bench drain and bench floor run on shards");
  }
}
