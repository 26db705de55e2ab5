package dev.herald.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.PostgresSourceSettings;
import dev.herald.domain.FieldError;
import dev.herald.domain.Notification;
import dev.herald.intake.Intake;
import dev.herald.intake.SubmitResult;
import dev.herald.testing.Harness;
import dev.herald.testing.OutboxRows;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.RedisTestSupport;
import dev.herald.testing.TestPostgres;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay's transaction against a real PostgreSQL and a real Redis: committed rows reach Herald
 * once each with the row's own idempotency key, rolled-back ones never, invalid ones are set aside
 * with every reason while the rest flow, and a row an earlier attempt already handed to Herald is
 * recognised instead of sent twice.
 */
class OutboxRelayIT {

  private final Harness h = new Harness();
  private final String table = TestPostgres.newTable();
  private final OutboxRows rows = new OutboxRows(TestPostgres.server(), table);
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    h.close();
  }

  private RelayCycle cycle(String relayedRows, int batchSize) {
    PostgresSourceSettings s =
        TestPostgres.settings(TestPostgres.server(), table, batchSize, 1, relayedRows);
    OutboxDatabase db = OutboxDatabase.open(s, 4, "herald-test");
    closing.add(db);
    RowReader reader = new RowReader("postgres." + table, OutboxRelayIT::validator);
    Intake intake = h.intake();
    return new RelayCycle(
        db,
        () -> reader,
        intake::submit,
        () -> RelaySettings.of(s),
        OutboxListener.NONE,
        "test-relay",
        System::nanoTime);
  }

  static dev.herald.domain.NotificationValidator validator() {
    return new dev.herald.domain.NotificationValidator(java.util.Set.of("push"), 65_536);
  }

  private String key(long id) {
    return "outbox:postgres." + table + ":" + id;
  }

  @Test
  void committed_rows_reach_herald_once_each_with_the_row_id_as_their_key() {
    List<Long> ids =
        rows.insert(
            OutboxRows.notification("u-1"),
            OutboxRows.notification("u-2"),
            OutboxRows.notification("u-3"));
    RelayCycle cycle = cycle("mark", 500);

    RelayCycle.Report report = cycle.runOnce();

    assertThat(report.rows()).isEqualTo(3);
    assertThat(rows.statuses()).containsOnly(java.util.Map.entry("relayed", 3L));
    for (long id : ids) {
      OutboxRows.Row row = rows.row(id);
      assertThat(row.attempts()).isEqualTo(1);
      assertThat(row.hasRelayedAt()).isTrue();
      Notification n =
          h.backend.notifications().find(row.notificationId()).orElseThrow().notification();
      assertThat(n.idempotencyKey()).isEqualTo(key(id));
      assertThat(n.producer()).isEqualTo("shop");
    }
    assertThat(cycle.runOnce().rows()).as("nothing left").isZero();
  }

  @Test
  void rows_of_a_rolled_back_transaction_never_reach_herald() {
    List<Long> rolledBack = rows.insert(false, OutboxRows.notification("ghost"));
    List<Long> committed = rows.insert(OutboxRows.notification("real"));

    cycle("mark", 500).runOnce();

    assertThat(rows.row(rolledBack.get(0))).isNull();
    assertThat(rows.row(committed.get(0)).status()).isEqualTo("relayed");
    assertThat(h.backend.notifications().findIdByIdempotencyKey("shop", key(rolledBack.get(0))))
        .isEmpty();
  }

  @Test
  void invalid_rows_are_rejected_with_every_reason_and_the_rest_of_the_batch_flows() {
    List<Long> ids =
        rows.insert(
            OutboxRows.notification("ok-1"),
            "[1, 2]",
            "\"just text\"",
            "{\"type\":\"t\",\"producer\":\"shop\",\"recipients\":\"u-1\",\"channels\":[\"push\"],"
                + "\"sendAt\":\"now\"}",
            "{\"type\":\"t\",\"producer\":\"shop\",\"recipients\":[\"u-1\"],\"channels\":[\"fax\"]}",
            "{\"type\":\"t\",\"producer\":\"sh op\",\"recipients\":[\"u 1\"],\"channels\":[\"push\"]}",
            "{\"type\":\"t\",\"producer\":\"shop\",\"recipients\":[\"u-1\"],\"channels\":[\"push\"],"
                + "\"idempotency_key\":\"mine\",\"max_attempts\":0}",
            OutboxRows.notification("ok-2"));

    RelayCycle.Report report = cycle("mark", 500).runOnce();

    assertThat(report.rows()).isEqualTo(8);
    assertThat(rows.row(ids.get(0)).status()).isEqualTo("relayed");
    assertThat(rows.row(ids.get(7)).status()).isEqualTo("relayed");
    assertThat(rows.row(ids.get(1)).lastError())
        .isEqualTo("(notification): must be a JSON object (was a list)");
    assertThat(rows.row(ids.get(2)).lastError())
        .isEqualTo("(notification): must be a JSON object (was a string)");
    assertThat(rows.row(ids.get(3)).lastError())
        .contains("sendAt: unknown field")
        .contains("recipients: must be a list of strings (was a string)");
    assertThat(rows.row(ids.get(4)).lastError()).contains("channels").contains("fax");
    assertThat(rows.row(ids.get(5)).lastError()).contains("producer").contains("recipients[0]");
    assertThat(rows.row(ids.get(6)).lastError())
        .as("its own key, and every other reason the intake would give")
        .startsWith(
            "idempotency_key: is set by the relay (to the row's id, "
                + key(ids.get(6))
                + "); leave it out of outbox rows; max_attempts: ");
    for (int i = 1; i <= 6; i++) {
      OutboxRows.Row row = rows.row(ids.get(i));
      assertThat(row.status()).as("row %s", i).isEqualTo("rejected");
      assertThat(row.notificationId()).isNull();
    }
  }

  @Test
  void with_relayed_rows_delete_a_relayed_row_is_deleted_in_the_relaying_transaction() {
    List<Long> ids = rows.insert(OutboxRows.notification("u-1"), "[]");

    cycle("delete", 500).runOnce();

    assertThat(rows.row(ids.get(0))).isNull();
    assertThat(rows.row(ids.get(1)).status()).as("rejected rows stay").isEqualTo("rejected");
    assertThat(h.backend.notifications().findIdByIdempotencyKey("shop", key(ids.get(0))))
        .isPresent();
  }

  @Test
  void a_row_that_an_attempt_without_commit_handed_to_herald_is_marked_relayed_not_sent_again() {
    long id = rows.insert(OutboxRows.notification("u-1")).get(0);
    // What a relay that died between Redis and its commit leaves: the notification in Herald
    // under the row's key, the row pending, and the attempt recorded.
    RowReader reader = new RowReader("postgres." + table, OutboxRelayIT::validator);
    String first =
        h.intake()
            .submit(
                List.of(
                    reader
                        .read(new OutboxRow(id, rows.json(id), 0, java.util.Optional.empty()))
                        .request()))
            .get(0)
            .notificationId();
    rows.execute(
        "INSERT INTO " + table + "_attempts (ids, relay) VALUES (ARRAY[" + id + "], 'dead')");

    cycle("mark", 500).runOnce();

    OutboxRows.Row row = rows.row(id);
    assertThat(row.status()).isEqualTo("relayed");
    assertThat(row.notificationId()).isEqualTo(first);
  }

  @Test
  void a_row_whose_unfinished_attempt_is_older_than_half_the_window_is_set_aside_in_doubt() {
    long young = rows.insert(OutboxRows.notification("u-1")).get(0);
    long old = rows.insert(OutboxRows.notification("u-2")).get(0);
    rows.execute(
        "INSERT INTO "
            + table
            + "_attempts (ids, relay, started_at) VALUES (ARRAY["
            + young
            + "], 'dead', clock_timestamp() - interval '29 minutes'), (ARRAY["
            + old
            + "], 'dead', clock_timestamp() - interval '31 minutes')");

    cycle("mark", 500).runOnce(); // idempotency-window 1h

    assertThat(rows.row(young).status()).isEqualTo("relayed");
    OutboxRows.Row doubt = rows.row(old);
    assertThat(doubt.status()).isEqualTo("in_doubt");
    assertThat(doubt.attempts()).isZero();
    assertThat(doubt.lastError())
        .startsWith("in doubt: a relay handed this row to Herald 31m ago and did not commit")
        .contains(key(old))
        .contains("herald outbox retry --in-doubt --id " + old);
    assertThat(h.backend.notifications().findIdByIdempotencyKey("shop", key(old))).isEmpty();
  }

  @Test
  void a_batch_is_settled_in_one_transaction_with_its_attempt_record() {
    rows.insert(OutboxRows.notification("u-1"), OutboxRows.notification("u-2"));

    cycle("mark", 1).runOnce();

    assertThat(rows.count("relayed")).isEqualTo(1);
    assertThat(rows.count("pending")).isEqualTo(1);
    assertThat(rows.queryLong("SELECT count(*) FROM " + table + "_attempts"))
        .as("the committed batch forgot its attempt")
        .isZero();
  }

  @Test
  void a_batch_takes_at_most_batch_size_rows_oldest_first() {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.addAll(rows.insert(OutboxRows.notification("u-" + i)));
    }
    RelayCycle cycle = cycle("mark", 2);

    RelayCycle.Report first = cycle.runOnce();

    assertThat(first.rows()).isEqualTo(2);
    assertThat(first.full()).isTrue();
    assertThat(rows.row(ids.get(0)).status()).isEqualTo("relayed");
    assertThat(rows.row(ids.get(1)).status()).isEqualTo("relayed");
    assertThat(rows.row(ids.get(2)).status()).isEqualTo("pending");
    cycle.runOnce();
    RelayCycle.Report last = cycle.runOnce();
    assertThat(last.rows()).isEqualTo(1);
    assertThat(last.full()).isFalse();
  }

  @Test
  void rows_that_herald_cannot_take_stay_pending_with_a_later_attempt_and_are_not_burnt()
      throws Exception {
    long id;
    try (RedisServerProcess redis = RedisServerProcess.start();
        Harness own = new Harness(redis.url(), RedisTestSupport.RETENTION, 1_000_000)) {
      PostgresSourceSettings s =
          TestPostgres.settings(TestPostgres.server(), table, 500, 1, "mark");
      OutboxDatabase db = OutboxDatabase.open(s, 4, "herald-test");
      closing.add(db);
      RowReader reader = new RowReader("postgres." + table, OutboxRelayIT::validator);
      Intake intake = own.intake();
      RelayCycle cycle =
          new RelayCycle(
              db,
              () -> reader,
              intake::submit,
              () -> RelaySettings.of(s),
              OutboxListener.NONE,
              "test-relay",
              System::nanoTime);
      id = rows.insert(OutboxRows.notification("u-1")).get(0);
      redis.kill();

      RelayCycle.Report report = cycle.runOnce();

      assertThat(report.heraldUnavailable()).isTrue();
      OutboxRows.Row row = rows.row(id);
      assertThat(row.status()).isEqualTo("pending");
      assertThat(row.attempts()).isEqualTo(1);
      assertThat(row.dueNow()).as("backing off").isFalse();
      // Redis died under a pooled connection, so the accept was sent and its reply lost: Herald
      // says the outcome is unknown rather than that nothing was written.
      assertThat(row.lastError()).startsWith("sent to Herald as ").contains("(redis): ");
      assertThat(cycle.runOnce().rows()).as("not claimed while it backs off").isZero();

      redis.startAgain();
      rows.execute("UPDATE " + table + " SET next_attempt_at = now() WHERE id = " + id);
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .ignoreExceptions()
          .until(() -> cycle.runOnce().rows() == 1);
      assertThat(rows.row(id).status()).isEqualTo("relayed");
      assertThat(rows.row(id).attempts()).isEqualTo(2);
    }
  }

  @Test
  void a_row_whose_outcome_in_herald_is_unknown_stays_pending_and_keeps_its_attempt_record() {
    long id = rows.insert(OutboxRows.notification("u-1")).get(0);
    PostgresSourceSettings s = TestPostgres.settings(TestPostgres.server(), table, 500, 1, "mark");
    OutboxDatabase db = OutboxDatabase.open(s, 4, "herald-test");
    closing.add(db);
    RowReader reader = new RowReader("postgres." + table, OutboxRelayIT::validator);
    Intake intake = h.intake();
    // Redis stores the notification, and its reply is lost on the way back.
    RelayCycle lostReply =
        new RelayCycle(
            db,
            () -> reader,
            requests ->
                intake.submit(requests).stream()
                    .map(
                        r ->
                            new SubmitResult(
                                r.index(),
                                SubmitResult.Outcome.UNKNOWN,
                                r.notificationId(),
                                List.of(new FieldError("(redis)", "no reply: it may have run"))))
                    .toList(),
            () -> RelaySettings.of(s),
            OutboxListener.NONE,
            "test-relay",
            System::nanoTime);

    lostReply.runOnce();

    OutboxRows.Row row = rows.row(id);
    assertThat(row.status()).as("not marked relayed, not burnt").isEqualTo("pending");
    assertThat(row.lastError()).startsWith("sent to Herald as ");
    assertThat(rows.queryLong("SELECT count(*) FROM " + table + "_attempts"))
        .as("the attempt record says since when the row may be in Herald")
        .isEqualTo(1);

    rows.execute("UPDATE " + table + " SET next_attempt_at = now() WHERE id = " + id);
    RelayCycle.Report report = cycle("mark", 500).runOnce();

    assertThat(report.rows()).isEqualTo(1);
    assertThat(rows.row(id).status()).isEqualTo("relayed");
    assertThat(counter("notifications_accepted")).as("stored once").isEqualTo(1);
  }

  private long counter(String name) {
    String v = h.raw.hget(h.keys.stats(), name);
    return v == null ? 0 : Long.parseLong(v);
  }

  @Test
  void the_retention_deletes_relayed_rows_past_it_in_slices_and_nothing_else() throws Exception {
    rows.execute(
        "INSERT INTO "
            + table
            + " (notification, status, relayed_at) SELECT '{}', 'relayed',"
            + " now() - interval '8 days' FROM generate_series(1, 2500)");
    List<Long> keep = rows.insert(OutboxRows.notification("pending"), "[]");
    rows.execute("UPDATE " + table + " SET status = 'rejected' WHERE id = " + keep.get(1));
    rows.execute(
        "INSERT INTO "
            + table
            + " (notification, status, relayed_at) VALUES ('{}', 'relayed', now() - interval '6 days')");
    PostgresSourceSettings s = TestPostgres.settings(TestPostgres.server(), table, 500, 1, "mark");
    try (OutboxDatabase db = OutboxDatabase.open(s, 2, "herald-test");
        java.sql.Connection c = db.connection()) {
      int deleted =
          new RowRetention(db.schema())
              .retire(c, java.time.Duration.ofDays(7), java.time.Duration.ofSeconds(30));
      assertThat(deleted).isEqualTo(2500);
    }
    assertThat(rows.statuses())
        .containsOnly(
            java.util.Map.entry("pending", 1L),
            java.util.Map.entry("rejected", 1L),
            java.util.Map.entry("relayed", 1L));
  }

  @Test
  void attempt_records_are_forgotten_once_none_of_their_rows_is_pending() throws Exception {
    List<Long> ids = rows.insert(OutboxRows.notification("u-1"), OutboxRows.notification("u-2"));
    rows.execute(
        "INSERT INTO "
            + table
            + "_attempts (ids, relay) VALUES (ARRAY["
            + ids.get(0)
            + "], 'a'), (ARRAY["
            + ids.get(0)
            + ", "
            + ids.get(1)
            + "], 'b')");
    rows.execute("UPDATE " + table + " SET status = 'relayed' WHERE id = " + ids.get(0));
    PostgresSourceSettings s = TestPostgres.settings(TestPostgres.server(), table, 500, 1, "mark");
    try (OutboxDatabase db = OutboxDatabase.open(s, 2, "herald-test");
        java.sql.Connection c = db.connection()) {
      assertThat(new AttemptJournal(db.schema()).forgetSettled(c)).isEqualTo(1);
    }
    assertThat(rows.queryLong("SELECT count(*) FROM " + table + "_attempts WHERE relay = 'b'"))
        .as("its second row is still pending")
        .isEqualTo(1);
  }

  @Test
  void the_claim_reads_the_pending_index_however_many_relayed_rows_the_table_keeps()
      throws Exception {
    rows.execute(
        "INSERT INTO "
            + table
            + " (notification, status, relayed_at) SELECT '{}', 'relayed', now()"
            + " FROM generate_series(1, 300000)");
    rows.execute(
        "INSERT INTO " + table + " (notification) SELECT '{}' FROM generate_series(1, 300000)");
    rows.execute("VACUUM ANALYZE " + table); // as autovacuum leaves a table that rests
    String claim =
        new OutboxTable(new OutboxSchema(table), false).claimSql().replace("LIMIT ?", "LIMIT 500");

    try (java.sql.Connection c = TestPostgres.server().connect()) {
      c.setAutoCommit(false);
      String plan = explain(c, claim);
      double cost = cost(plan);
      // The walk the planner could take instead: the primary key, filtering out every relayed
      // row before the first pending one. DDL is transactional: the index is back after it.
      try (java.sql.Statement s = c.createStatement()) {
        s.execute("DROP INDEX " + table + "_pending");
      }
      double withoutIndex = cost(explain(c, claim));
      c.rollback();

      assertThat(plan).contains("\"Index Name\": \"" + table + "_pending\"");
      // A plain tie would let the planner pick the primary key on a slight change of statistics
      // (and read every relayed row on each claim): the pending index must be clearly cheaper.
      assertThat(cost).as("estimated cost of the claim's read").isLessThan(withoutIndex * 0.75);
    }
  }

  private static String explain(java.sql.Connection c, String sql) throws Exception {
    StringBuilder out = new StringBuilder();
    try (java.sql.Statement s = c.createStatement();
        java.sql.ResultSet r = s.executeQuery("EXPLAIN (FORMAT JSON) " + sql)) {
      while (r.next()) {
        out.append(r.getString(1));
      }
    }
    return out.toString();
  }

  /** The total cost of the claim's LIMIT (the part that reads the table), from EXPLAIN JSON. */
  private static double cost(String planJson) throws Exception {
    com.fasterxml.jackson.databind.JsonNode limit =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(planJson).findParents("Node Type").stream()
                .filter(n -> n.get("Node Type").asText().equals("Limit"))
                .findFirst()
                .orElseThrow();
    return limit.get("Total Cost").asDouble();
  }
}
