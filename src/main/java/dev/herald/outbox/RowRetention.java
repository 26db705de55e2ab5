package dev.herald.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Deletes rows marked relayed once they are older than {@code sources.postgres.retention}, a
 * thousand at a time, each slice its own short transaction that locks only its rows (and skips rows
 * another relay holds): producers and relays go on meanwhile.
 */
final class RowRetention {

  static final int SLICE = 1_000;

  private final String deleteSlice;

  RowRetention(OutboxSchema schema) {
    this.deleteSlice =
        "DELETE FROM "
            + schema.table()
            + " WHERE id IN (SELECT id FROM "
            + schema.table()
            + " WHERE status = 'relayed' AND relayed_at < clock_timestamp() - ?::interval"
            + " ORDER BY relayed_at LIMIT "
            + SLICE
            + " FOR UPDATE SKIP LOCKED)";
  }

  /**
   * Deletes expired relayed rows, slice by slice, until none is left or {@code budget} is spent;
   * how many it deleted.
   */
  int retire(Connection autocommit, Duration retention, Duration budget) throws SQLException {
    long end = System.nanoTime() + budget.toNanos();
    int total = 0;
    try (PreparedStatement p = autocommit.prepareStatement(deleteSlice)) {
      p.setString(1, retention.toMillis() + " milliseconds");
      int n;
      do {
        n = p.executeUpdate();
        total += n;
      } while (n == SLICE && System.nanoTime() < end);
    }
    return total;
  }
}
