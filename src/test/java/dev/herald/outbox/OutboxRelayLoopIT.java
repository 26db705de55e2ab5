package dev.herald.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.config.PostgresSourceSettings;
import dev.herald.testing.Harness;
import dev.herald.testing.OutboxRows;
import dev.herald.testing.PostgresServer;
import dev.herald.testing.TestPostgres;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The running relay: woken by NOTIFY, telling its listener what it did. */
class OutboxRelayLoopIT {

  private final Harness h = Harness.realTime(dev.herald.testing.TestRedis.url());
  private final String table = TestPostgres.newTable();
  private final OutboxRows rows = new OutboxRows(TestPostgres.server(), table);
  private final Recorder recorder = new Recorder();
  private OutboxRelay relay;

  @AfterEach
  void close() {
    if (relay != null) {
      relay.stop(Duration.ofSeconds(5));
    }
    h.close();
  }

  /** Relay settings with a poll interval of 10 minutes: only NOTIFY can wake it in a test. */
  private PostgresSourceSettings settings() {
    PostgresSourceSettings s = TestPostgres.settings(TestPostgres.server(), table, 500, 2, "mark");
    return new PostgresSourceSettings(
        true,
        s.url(),
        s.user(),
        null,
        s.passwordFile(),
        table,
        500,
        2,
        Duration.ofMinutes(10),
        "mark",
        Duration.ofDays(7),
        Duration.ofHours(1));
  }

  @Test
  void a_commit_wakes_the_relay_at_once_though_it_would_poll_only_every_ten_minutes() {
    relay =
        OutboxRelay.start(
            settings(), h.intake(), OutboxRelayIT::validator, recorder, Clock.systemUTC(), "test");
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.listening.get() == Boolean.TRUE);
    await().atMost(Duration.ofSeconds(5)).until(() -> recorder.lags.size() > 0);

    long start = System.nanoTime();
    long id = rows.insert(OutboxRows.notification("u-1")).get(0);
    await()
        .atMost(Duration.ofSeconds(3))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> "relayed".equals(rows.row(id).status()));
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertThat(millis).as("commit to relayed, ms").isLessThan(3_000);
    await().atMost(Duration.ofSeconds(2)).until(() -> recorder.created.get() == 1);
    assertThat(recorder.batches).contains(1);
  }

  @Test
  void the_listener_hears_of_rejections_and_the_lag_of_the_oldest_pending_row() {
    rows.insert(OutboxRows.notification("u-1"), "[]", OutboxRows.notification("u-2"));
    // One more, 90 s old and backing off: it stays pending while the relay measures.
    long waiting = rows.insert(OutboxRows.notification("u-3")).get(0);
    rows.execute(
        "UPDATE "
            + table
            + " SET created_at = now() - interval '90 seconds',"
            + " next_attempt_at = now() + interval '1 hour' WHERE id = "
            + waiting);

    relay =
        OutboxRelay.start(
            settings(), h.intake(), OutboxRelayIT::validator, recorder, Clock.systemUTC(), "test");

    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.created.get() == 2);
    assertThat(recorder.rejected).containsExactly("(notification)");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> recorder.lags.stream().anyMatch(l -> l.toSeconds() >= 90));
  }

  @Test
  void a_relay_started_while_the_database_is_down_relays_once_it_is_up() throws Exception {
    try (PostgresServer own = PostgresServer.start("fsync=off")) {
      TestPostgres.createTable(own, "outbox");
      OutboxRows ownRows = new OutboxRows(own, "outbox");
      long id = ownRows.insert(OutboxRows.notification("u-1")).get(0);
      own.stop();
      relay =
          OutboxRelay.start(
              TestPostgres.settings(own, "outbox", 500, 1, "mark"),
              h.intake(),
              OutboxRelayIT::validator,
              recorder,
              Clock.systemUTC(),
              "test");
      await().atMost(Duration.ofSeconds(20)).until(() -> recorder.failures.get() > 0);

      own.startAgain();

      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> "relayed".equals(ownRows.row(id).status()));
      relay.stop(Duration.ofSeconds(5));
      relay = null;
    }
  }

  /** Records the events a test looks at. */
  static final class Recorder implements OutboxListener {
    final AtomicInteger created = new AtomicInteger();
    final AtomicInteger failures = new AtomicInteger();
    final ConcurrentLinkedQueue<String> rejected = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Duration> lags = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Integer> batches = new ConcurrentLinkedQueue<>();
    final AtomicReference<Boolean> listening = new AtomicReference<>();

    @Override
    public void onRelayed(int created, int duplicates) {
      this.created.addAndGet(created);
    }

    @Override
    public void onRejected(String field) {
      rejected.add(field);
    }

    @Override
    public void onBatch(int rows, Duration took) {
      batches.add(rows);
    }

    @Override
    public void onLag(Duration oldestPending) {
      lags.add(oldestPending);
    }

    @Override
    public void onListening(boolean up) {
      listening.set(up);
    }

    @Override
    public void onCycleFailed(RuntimeException error) {
      failures.incrementAndGet();
    }
  }
}
