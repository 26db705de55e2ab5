package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.testing.RedisTestSupport;
import dev.herald.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each scenario run tiny, to prove that it works; the figures themselves are not asserted. */
class BenchIT {

  @TempDir Path dir;
  private String config;
  private String namespace;

  @BeforeEach
  void writeConfig() throws Exception {
    namespace = TestRedis.namespace();
    Path file = dir.resolve("herald.yaml");
    Files.writeString(
        file,
        "redis:\n  url: "
            + TestRedis.heraldUrl()
            + "\nnamespace: "
            + namespace
            + "\npublisher:\n  workers: 2\n  poll-interval: 100ms\n");
    config = file.toString();
  }

  private JsonNode bench(String... args) throws Exception {
    String[] full = new String[args.length + 4];
    full[0] = "bench";
    System.arraycopy(args, 0, full, 1, args.length);
    full[args.length + 1] = "--json";
    full[args.length + 2] = "--config";
    full[args.length + 3] = config;
    CliRun run = CliRun.run("", full);
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode result = new ObjectMapper().readTree(run.out());
    assertThat(result.get("repeat").asText())
        .startsWith("java -jar target/herald.jar bench " + args[0]);
    try (var raw = RedisTestSupport.raw()) {
      assertThat(raw.keys(namespace + ":*")).as("cleaned up").isEmpty();
    }
    return result;
  }

  @Test
  void drain_reports_rate_first_append_and_cpu() throws Exception {
    JsonNode r = bench("drain", "--routes", "500", "--runs", "2", "--warmup", "100");
    assertThat(r.at("/figures/drain_routes_per_s/runs")).hasSize(2);
    assertThat(r.at("/figures/drain_routes_per_s/median").asDouble()).isPositive();
    assertThat(r.at("/figures/first_append_after_due_ms").isObject()).isTrue();
    assertThat(r.at("/figures/redis_cpu_s").isObject()).isTrue();
    assertThat(r.at("/figures/redis_cpu_ratio_to_floor/median").asDouble()).isPositive();
  }

  @Test
  void floor_appends_the_drains_entries_and_reports_redis_cpu_per_entry_then_leaves_nothing()
      throws Exception {
    JsonNode r = bench("floor", "--routes", "1000", "--runs", "2");
    assertThat(r.at("/figures/floor_redis_cpu_us_per_entry/runs")).hasSize(2);
    assertThat(r.at("/figures/floor_redis_cpu_us_per_entry/median").asDouble()).isPositive();
    try (var raw = RedisTestSupport.raw()) {
      assertThat(raw.keys(namespace + ":*")).isEmpty();
    }
  }

  @Test
  void steady_reports_lag_percentiles() throws Exception {
    JsonNode r = bench("steady", "--rate", "1000", "--duration", "1s");
    assertThat(r.at("/figures/due_to_stream_p99_ms").isObject()).isTrue();
    assertThat(r.at("/figures/achieved_routes_per_s/median").asDouble()).isPositive();
  }

  @Test
  void intake_idle_and_memory_report_their_figures() throws Exception {
    JsonNode intake = bench("intake", "--routes", "1000", "--runs", "1");
    assertThat(intake.at("/figures/api_routes_per_s/median").asDouble()).isPositive();
    assertThat(intake.at("/figures/stream_routes_per_s/median").asDouble()).isPositive();
    assertThat(bench("idle", "--duration", "1s").at("/figures/redis_commands_per_s").isObject())
        .isTrue();
    assertThat(
            bench("memory", "--routes", "2000")
                .at("/figures/redis_bytes_per_pending_route/median")
                .asDouble())
        .isPositive();
  }

  @Test
  void a_namespace_with_data_is_refused_without_force() {
    try (var raw = RedisTestSupport.raw()) {
      raw.set(namespace + ":something", "precious");
      CliRun run = CliRun.run("", "bench", "intake", "--routes", "10", "--config", config);
      assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(run.err()).contains("holds data").contains("--force");
      assertThat(raw.get(namespace + ":something")).isEqualTo("precious");
    }
  }
}
