package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.testing.OutboxRows;
import dev.herald.testing.RedisTestSupport;
import dev.herald.testing.TestPostgres;
import dev.herald.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code herald bench outbox} run tiny, to prove that it works; its figures are not asserted. */
class OutboxBenchIT {

  @TempDir Path dir;

  @Test
  void outbox_reports_rate_database_cpu_and_latency_and_leaves_nothing_behind() throws Exception {
    String namespace = TestRedis.namespace();
    Path file = dir.resolve("herald.yaml");
    Files.writeString(
        file,
        "redis:\n  url: "
            + TestRedis.heraldUrl()
            + "\nnamespace: "
            + namespace
            + "\npublisher:\n  workers: 2\n  poll-interval: 100ms\n"
            + TestPostgres.yaml(TestPostgres.server(), "unused_by_the_bench"));

    CliRun run =
        CliRun.run(
            "",
            "bench",
            "outbox",
            "--rows",
            "500",
            "--runs",
            "1",
            "--rate",
            "100",
            "--duration",
            "2s",
            "--json",
            "--config",
            file.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode r = new ObjectMapper().readTree(run.out());
    assertThat(r.get("repeat").asText()).startsWith("java -jar target/herald.jar bench outbox");
    for (String figure :
        new String[] {
          "relayed_rows_per_s",
          "db_cpu_per_row_relayed_us",
          "commit_to_stream_p50_ms",
          "commit_to_stream_p99_ms"
        }) {
      assertThat(r.at("/figures/" + figure).isObject()).as(figure).isTrue();
    }
    try (var raw = RedisTestSupport.raw()) {
      assertThat(raw.keys(namespace + ":*")).as("Redis cleaned up").isEmpty();
    }
    OutboxRows catalog = new OutboxRows(TestPostgres.server(), "pg_class");
    assertThat(
            catalog.queryLong("SELECT count(*) FROM pg_class WHERE relname LIKE 'herald_bench%'"))
        .as("its table dropped")
        .isZero();
  }

  @Test
  void outbox_without_a_database_says_what_it_needs() throws Exception {
    Path file = dir.resolve("nodb.yaml");
    Files.writeString(
        file,
        "redis:\n  url: " + TestRedis.heraldUrl() + "\nnamespace: " + TestRedis.namespace() + "\n");
    CliRun run = CliRun.run("", "bench", "outbox", "--config", file.toString());
    assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err()).contains("sources.postgres.url");
  }
}
