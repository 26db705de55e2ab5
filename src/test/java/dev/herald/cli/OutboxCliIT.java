package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.testing.Harness;
import dev.herald.testing.OutboxRows;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code herald outbox status|retry|schema}, in-process, on the test PostgreSQL. */
class OutboxCliIT {

  @TempDir Path dir;
  private final Harness h = new Harness();
  private final String table = TestPostgres.newTable();
  private final OutboxRows rows = new OutboxRows(TestPostgres.server(), table);

  @AfterEach
  void close() {
    h.close();
  }

  private String config() {
    return h.writeConfig(dir, TestPostgres.yaml(TestPostgres.server(), table)).toString();
  }

  /** Two rejected rows, one in doubt, one relayed, one pending. */
  private List<Long> plant() {
    List<Long> ids =
        rows.insert(
            OutboxRows.notification("u-1"),
            OutboxRows.notification("u-2"),
            OutboxRows.notification("u-3"),
            OutboxRows.notification("u-4"),
            OutboxRows.notification("u-5"));
    rows.execute(
        "UPDATE "
            + table
            + " SET status = 'rejected', last_error = 'channels[0]: unknown channel fax'"
            + " WHERE id IN ("
            + ids.get(0)
            + ", "
            + ids.get(1)
            + ")");
    rows.execute(
        "UPDATE "
            + table
            + " SET status = 'in_doubt', last_error = 'in doubt: test' WHERE id = "
            + ids.get(2));
    rows.execute(
        "UPDATE "
            + table
            + " SET status = 'relayed', relayed_at = now(), notification_id = 'n-1' WHERE id = "
            + ids.get(3));
    return ids;
  }

  @Test
  void status_counts_rows_by_status_and_lists_the_held_ones_with_their_reasons() throws Exception {
    List<Long> ids = plant();

    CliRun text = CliRun.run("", "outbox", "status", "--config", config());
    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.out())
        .contains("outbox " + table + " at jdbc:postgresql://127.0.0.1:")
        .containsPattern("pending +1 +waiting for the relay")
        .containsPattern("relayed +1 ")
        .containsPattern("rejected +2 ")
        .containsPattern("in_doubt +1 ")
        .contains("channels[0]: unknown channel fax")
        .contains("in doubt: test");

    CliRun json = CliRun.run("", "outbox", "status", "--json", "--config", config());
    JsonNode o = new ObjectMapper().readTree(json.out());
    assertThat(o.get("counts").get("rejected").asLong()).isEqualTo(2);
    assertThat(o.get("counts").get("pending").asLong()).isEqualTo(1);
    assertThat(o.get("pending_due").asLong()).isEqualTo(1);
    assertThat(o.get("oldest_pending_at").isNull()).isFalse();
    assertThat(o.get("held")).hasSize(3);
    assertThat(o.get("held").get(0).get("id").asLong()).as("newest first").isEqualTo(ids.get(2));
    assertThat(o.get("held").get(1).get("notification").get("producer").asText()).isEqualTo("shop");
    assertThat(json.err()).doesNotContain(TestPostgres.server().password());
  }

  @Test
  void retry_sends_matching_rows_back_to_pending_and_a_dry_run_changes_nothing() {
    List<Long> ids = plant();

    CliRun dry =
        CliRun.run(
            "",
            "outbox",
            "retry",
            "--rejected",
            "--reason-contains",
            "unknown channel",
            "--dry-run",
            "--config",
            config());
    assertThat(dry.exitCode()).as(dry.err()).isZero();
    assertThat(dry.out())
        .isEqualTo(
            "dry run: would send 2 rejected row(s) back to pending (first ids: "
                + ids.get(0)
                + ", "
                + ids.get(1)
                + "); nothing was changed\n");
    assertThat(rows.count("rejected")).isEqualTo(2);

    CliRun one =
        CliRun.run(
            "", "outbox", "retry", "--rejected", "--id", "" + ids.get(1), "--config", config());
    assertThat(one.out())
        .isEqualTo("retry: sent 1 rejected row(s) back to pending; herald run relays them\n");
    OutboxRows.Row row = rows.row(ids.get(1));
    assertThat(row.status()).isEqualTo("pending");
    assertThat(row.lastError()).isNull();
    assertThat(row.dueNow()).isTrue();
    assertThat(rows.row(ids.get(0)).status()).isEqualTo("rejected");

    CliRun doubt = CliRun.run("", "outbox", "retry", "--in-doubt", "--json", "--config", config());
    assertThat(doubt.out().trim())
        .isEqualTo("{\"status\":\"in_doubt\",\"dry_run\":false,\"retried\":1}");
    assertThat(rows.row(ids.get(2)).status()).isEqualTo("pending");
  }

  @Test
  void retry_forgets_the_attempt_records_of_the_rows_it_sends_again() {
    List<Long> ids = plant();
    long doubtful = ids.get(2);
    long other = ids.get(4);
    rows.execute(
        "INSERT INTO "
            + table
            + "_attempts (ids, relay, started_at) VALUES (ARRAY["
            + doubtful
            + ", "
            + other
            + "], 'dead', now() - interval '2 hours')");

    CliRun.run("", "outbox", "retry", "--in-doubt", "--id", "" + doubtful, "--config", config());

    // Otherwise the relay would find the old attempt and set the row aside again at once.
    assertThat(
            rows.queryLong(
                "SELECT count(*) FROM "
                    + table
                    + "_attempts WHERE ids @> ARRAY["
                    + doubtful
                    + "::bigint]"))
        .isZero();
    assertThat(
            rows.queryLong(
                "SELECT count(*) FROM "
                    + table
                    + "_attempts WHERE ids = ARRAY["
                    + other
                    + "::bigint]"))
        .as("the other row of the record stays in doubt")
        .isEqualTo(1);
  }

  @Test
  void retry_needs_rejected_or_in_doubt() {
    CliRun run = CliRun.run("", "outbox", "retry", "--config", config());
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--rejected").contains("--in-doubt");
  }

  @Test
  void schema_prints_the_shipped_ddl_for_the_configured_table() throws Exception {
    CliRun run = CliRun.run("", "outbox", "schema");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo(Files.readString(Path.of("config/herald-outbox.sql")));
    CliRun other = CliRun.run("", "outbox", "schema", "--table", "shop_outbox");
    assertThat(other.out())
        .contains("CREATE TABLE IF NOT EXISTS shop_outbox (")
        .contains("shop_outbox_attempts")
        .contains("pg_notify('shop_outbox'")
        .doesNotContain("herald_outbox");
    assertThat(CliRun.run("", "outbox", "schema", "--table", "Bad-Name").exitCode())
        .isEqualTo(ExitCodes.BAD_INPUT);
  }

  @Test
  void without_a_database_url_the_commands_say_so_with_the_config_exit_code() {
    CliRun run = CliRun.run("", "outbox", "status", "--config", h.writeConfig(dir).toString());
    assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
    assertThat(run.err()).contains("sources.postgres.url is not set");
  }

  @Test
  void a_database_that_does_not_answer_is_unavailable_not_a_crash() throws Exception {
    Path file = dir.resolve("down.yaml");
    Files.writeString(
        file,
        "sources:\n  postgres:\n    url: jdbc:postgresql://127.0.0.1:"
            + RedisServerProcess.freePort()
            + "/app\n");
    CliRun run = CliRun.run("", "outbox", "status", "--config", file.toString());
    assertThat(run.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(run.err()).contains("connecting to jdbc:postgresql://127.0.0.1:");
  }

  @Test
  void a_missing_table_is_named_with_the_remedy() throws Exception {
    Path file = dir.resolve("missing.yaml");
    Files.writeString(file, TestPostgres.yaml(TestPostgres.server(), "no_such_outbox"));
    CliRun run = CliRun.run("", "outbox", "status", "--config", file.toString());
    assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
    assertThat(run.err()).contains("no_such_outbox").contains("herald outbox schema");
  }
}
