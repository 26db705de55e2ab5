package dev.herald.outbox;

import dev.herald.config.Durations;
import dev.herald.domain.NotificationRequest;
import dev.herald.intake.SubmitResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One batch of the relay, in one database transaction: claim up to {@code batch-size} committed
 * pending rows ({@code FOR UPDATE SKIP LOCKED}, oldest first), record the attempt, hand the valid
 * rows to Herald with each row's own idempotency key, then mark them relayed (or delete them), set
 * the invalid ones aside as rejected, and commit.
 *
 * <p>Exactly once: a row is marked only in the transaction that also ends its attempt; a relay that
 * dies after Herald accepted and before the commit leaves the row pending, and whoever takes it
 * next gets Herald's answer for the same key (a duplicate: nothing new is scheduled) as long as
 * Herald remembers the key. A row whose earliest unfinished attempt is older than half the key's
 * window is set aside as {@code in_doubt} instead of being sent again.
 */
final class RelayCycle {

  private static final Logger LOG = LoggerFactory.getLogger(RelayCycle.class);

  /** What one cycle did. */
  record Report(int rows, boolean full, boolean heraldUnavailable) {
    static final Report EMPTY = new Report(0, false, false);
  }

  private final OutboxDatabase database;
  private final OutboxTable table;
  private final AttemptJournal journal;
  private final Supplier<RowReader> reader;
  private final Function<List<NotificationRequest>, List<SubmitResult>> intake;
  private final Supplier<RelaySettings> settings;
  private final OutboxListener listener;
  private final String relay;
  private final LongSupplier nanoTime;

  RelayCycle(
      OutboxDatabase database,
      Supplier<RowReader> reader,
      Function<List<NotificationRequest>, List<SubmitResult>> intake,
      Supplier<RelaySettings> settings,
      OutboxListener listener,
      String relay,
      LongSupplier nanoTime) {
    this.database = database;
    this.table = new OutboxTable(database.schema(), database.settings().deletesRelayedRows());
    this.journal = new AttemptJournal(database.schema());
    this.reader = reader;
    this.intake = intake;
    this.settings = settings;
    this.listener = listener;
    this.relay = relay;
    this.nanoTime = nanoTime;
  }

  /**
   * Relays one batch.
   *
   * @throws OutboxUnavailableException when the database failed: the transaction rolled back, every
   *     row of the batch stays pending
   */
  Report runOnce() {
    RelaySettings s = settings.get();
    long start = nanoTime.getAsLong();
    try (Connection c = database.connection()) {
      try {
        c.setAutoCommit(false);
        List<OutboxRow> rows = table.claim(c, s.batchSize());
        if (rows.isEmpty()) {
          c.commit();
          return Report.EMPTY;
        }
        Batch batch = decide(rows, s);
        Long attemptId = null;
        if (!batch.requests.isEmpty()) {
          attemptId = record(batch.sentIds);
          checkStillHeld(start, s);
          hand(batch, s);
        }
        table.settle(c, batch.settlement, attemptId);
        c.commit();
        report(batch.settlement, nanoTime.getAsLong() - start);
        return new Report(
            rows.size(), rows.size() >= s.batchSize(), !batch.settlement.deferred.isEmpty());
      } catch (SQLException e) {
        rollbackQuietly(c);
        throw SqlFailures.classify(
            "relaying a batch from " + database.describe(), e, database.schema());
      } catch (RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      }
    } catch (SQLException e) {
      throw SqlFailures.classify("closing a connection", e, database.schema());
    }
  }

  /** The rows of a batch sorted by what to do with them; the valid ones as requests. */
  private static final class Batch {
    final Settlement settlement = new Settlement();
    final List<NotificationRequest> requests = new ArrayList<>();
    final List<Long> sentIds = new ArrayList<>();
  }

  private Batch decide(List<OutboxRow> rows, RelaySettings s) {
    Batch batch = new Batch();
    Duration doubtAfter = s.idempotencyWindow().dividedBy(2);
    for (OutboxRow row : rows) {
      if (row.earlierAttempt().isPresent()
          && row.earlierAttempt().get().compareTo(doubtAfter) > 0) {
        batch.settlement.inDoubt(row.id(), inDoubtReason(row, s));
        continue;
      }
      RowReader.Read read = reader.get().read(row);
      if (read.request() == null) {
        batch.settlement.rejected(
            row.id(), RowReader.reason(read.errors()), read.errors().get(0).field());
        continue;
      }
      batch.requests.add(read.request());
      batch.sentIds.add(row.id());
    }
    return batch;
  }

  private String inDoubtReason(OutboxRow row, RelaySettings s) {
    return "in doubt: a relay handed this row to Herald "
        + Durations.format(row.earlierAttempt().get().withNanos(0))
        + " ago and did not commit; Herald may hold its notification, and it remembers the key "
        + reader.get().idempotencyKey(row.id())
        + " only for sources.postgres.idempotency-window ("
        + Durations.format(s.idempotencyWindow())
        + "). Check whether the notification went out, then `herald outbox retry --in-doubt --id "
        + row.id()
        + "` to send it (again), or leave it";
  }

  /** Records the attempt, committed, on a connection of its own. */
  private long record(List<Long> ids) throws SQLException {
    try (Connection j = database.connection()) {
      return journal.record(j, ids, relay);
    }
  }

  /**
   * Gives up before Herald when the batch took so long that the server may have ended this session
   * for idling in its transaction: another relay may have the rows by now.
   */
  private void checkStillHeld(long start, RelaySettings s) {
    Duration held = Duration.ofNanos(nanoTime.getAsLong() - start);
    if (held.compareTo(s.holdLimit().dividedBy(2)) > 0) {
      throw new OutboxUnavailableException(
          "batch claimed "
              + held.toMillis()
              + " ms ago, past half the hold limit of "
              + Durations.format(s.holdLimit())
              + " (the relay stalled?); leaving its rows to the next attempt",
          null);
    }
  }

  private void hand(Batch batch, RelaySettings s) {
    List<SubmitResult> results = intake.apply(batch.requests);
    for (int i = 0; i < results.size(); i++) {
      SubmitResult r = results.get(i);
      long id = batch.sentIds.get(i);
      switch (r.outcome()) {
        case ACCEPTED -> batch.settlement.relayed(id, r.notificationId(), true);
        case DUPLICATE -> batch.settlement.relayed(id, r.notificationId(), false);
        case REJECTED ->
            batch.settlement.rejected(
                id,
                RowReader.reason(r.errors()),
                r.errors().isEmpty() ? "(none)" : r.errors().get(0).field());
        case UNAVAILABLE ->
            batch.settlement.deferred(
                id, "Herald could not take it: " + RowReader.reason(r.errors()));
        case UNKNOWN ->
            batch.settlement.unknown(
                id,
                "sent to Herald as "
                    + r.notificationId()
                    + " and no reply came: "
                    + RowReader.reason(r.errors()));
        case SPOOLED ->
            throw new IllegalStateException(
                "the relay's intake has no spool, yet row " + id + " was spooled");
      }
    }
  }

  /** Tells the listener (and the log) what the committed batch did. */
  private void report(Settlement s, long nanos) {
    s.rejectedFields.forEach(listener::onRejected);
    if (!s.relayed.isEmpty()) {
      listener.onRelayed(s.created, s.duplicates);
    }
    if (!s.inDoubt.isEmpty()) {
      listener.onInDoubt(s.inDoubt.size());
      LOG.error(
          "outbox rows {} set aside as in doubt: {}; see `herald outbox status`",
          s.inDoubt,
          s.inDoubtReasons.get(0));
    }
    if (!s.deferred.isEmpty()) {
      listener.onDeferred(s.deferred.size());
    }
    if (s.duplicates > 0) {
      LOG.info(
          "{} outbox row(s) were already in Herald from an attempt that did not commit; marked"
              + " relayed, nothing scheduled twice",
          s.duplicates);
    }
    listener.onBatch(s.rows(), Duration.ofNanos(nanos));
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      // the connection is broken; the server rolls back when it goes
    }
  }
}
