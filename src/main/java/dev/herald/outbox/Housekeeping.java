package dev.herald.outbox;

import dev.herald.config.PostgresSourceSettings;
import dev.herald.publish.RateLimitedLog;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the relay does besides relaying, on a thread of its own, called every {@link #LAG_EVERY}:
 * measures the lag, and once a minute deletes expired relayed rows and attempt records that are of
 * no more use. A failure is logged (rate-limited) and the next call tries again.
 */
final class Housekeeping implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);
  static final Duration LAG_EVERY = Duration.ofSeconds(1);
  static final Duration CLEAN_EVERY = Duration.ofMinutes(1);
  private static final Duration RETENTION_BUDGET = Duration.ofSeconds(5);

  private final OutboxDatabase database;
  private final OutboxTable table;
  private final AttemptJournal journal;
  private final RowRetention retention;
  private final OutboxListener listener;
  private final LongSupplier nanoTime;
  private final RateLimitedLog troubleLog = new RateLimitedLog(LOG, Duration.ofSeconds(30));
  private long lastLag;
  private long lastClean;

  Housekeeping(OutboxDatabase database, OutboxListener listener, LongSupplier nanoTime) {
    this.database = database;
    this.table = new OutboxTable(database.schema(), database.settings().deletesRelayedRows());
    this.journal = new AttemptJournal(database.schema());
    this.retention = new RowRetention(database.schema());
    this.listener = listener;
    this.nanoTime = nanoTime;
    long now = nanoTime.getAsLong();
    this.lastLag = now - LAG_EVERY.toNanos();
    this.lastClean = now; // not in the first minute: a restarted relay has batches to catch up
  }

  @Override
  public void run() {
    try {
      runOnce();
    } catch (OutboxUnavailableException e) {
      troubleLog.warn("housekeeping", "outbox housekeeping: {}", e.getMessage());
    } catch (RuntimeException e) {
      troubleLog.error("housekeeping", "outbox housekeeping failed: {}", e.toString(), e);
    }
  }

  void runOnce() {
    long now = nanoTime.getAsLong();
    boolean lag = now - lastLag >= LAG_EVERY.toNanos();
    boolean clean = now - lastClean >= CLEAN_EVERY.toNanos();
    if (!lag && !clean) {
      return;
    }
    try (Connection c = database.connection()) {
      if (lag) {
        lastLag = now;
        listener.onLag(table.oldestPending(c).orElse(Duration.ZERO));
      }
      if (clean) {
        lastClean = now;
        clean(c);
      }
    } catch (SQLException e) {
      throw SqlFailures.classify("housekeeping on " + database.describe(), e, database.schema());
    }
  }

  private void clean(Connection c) throws SQLException {
    // Also with relayed-rows: delete, for rows marked before the setting changed.
    PostgresSourceSettings s = database.settings();
    int retired = retention.retire(c, s.retention(), RETENTION_BUDGET);
    if (retired > 0) {
      listener.onRetired(retired);
      LOG.info("deleted {} relayed outbox row(s) older than sources.postgres.retention", retired);
    }
    int forgotten = journal.forgetSettled(c);
    if (forgotten > 0) {
      LOG.debug("forgot {} finished relay attempt record(s)", forgotten);
    }
  }
}
