package dev.herald.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Records, committed, which rows a relay is about to hand to Herald, before it does; the relay's
 * own transaction deletes the record when it commits the outcome. A record that outlives its
 * transaction (the relay died, or lost the database, after Herald may have accepted the rows) tells
 * a later relay since when those rows may be in Herald already: while Herald still remembers their
 * idempotency keys a retry is harmless, after that it could create a second notification.
 */
final class AttemptJournal {

  private final String insert;
  private final String forgetSettled;

  AttemptJournal(OutboxSchema schema) {
    this.insert =
        "INSERT INTO "
            + schema.attempts()
            + " (ids, relay) VALUES (?::bigint[], ?) RETURNING attempt_id";
    // A record is of no more use once none of its rows is pending: each was relayed, set aside,
    // or deleted. Rows of a batch in flight are pending (and locked), so its record stays.
    this.forgetSettled =
        "DELETE FROM "
            + schema.attempts()
            + " a WHERE NOT EXISTS (SELECT 1 FROM "
            + schema.table()
            + " o WHERE o.id = ANY(a.ids) AND o.status = 'pending')";
  }

  /** Records the attempt on {@code c} (autocommit: committed when this returns); its id. */
  long record(Connection c, List<Long> rowIds, String relay) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(insert)) {
      p.setArray(1, OutboxTable.ids(c, rowIds));
      p.setString(2, relay);
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  /** Deletes the records whose rows are all settled; how many. */
  int forgetSettled(Connection c) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(forgetSettled)) {
      return p.executeUpdate();
    }
  }
}
