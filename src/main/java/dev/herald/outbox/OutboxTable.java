package dev.herald.outbox;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of the relay's transaction on the outbox table: claim pending rows, settle them. Plain
 * JDBC; every statement touches the rows of one batch by id, in one round trip.
 */
final class OutboxTable {

  /** A deferred row's next attempt: 1 s after the first failure, doubling, at most a minute. */
  static final String BACKOFF =
      "least(interval '1 second' * power(2, least(attempts, 6)), interval '1 minute')";

  private final String claim;
  private final String markRelayed;
  private final String deleteRelayed;
  private final String setAside;
  private final String defer;
  private final String forgetAttempt;
  private final String oldestPending;
  private final boolean deletesRelayed;

  OutboxTable(OutboxSchema schema, boolean deletesRelayed) {
    String t = schema.table();
    this.deletesRelayed = deletesRelayed;
    // Committed pending rows only (MVCC), oldest first; rows another relay holds are skipped, not
    // waited for. With each row, the earliest recorded attempt of it that may have reached Herald:
    // the attempts table is read once per batch (it holds the batches in flight and the records
    // of relays that died), not once per row.
    this.claim =
        "WITH claimed AS (SELECT id, notification, attempts FROM "
            + t
            + " WHERE status = 'pending' AND next_attempt_at <= now()"
            + " ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED),"
            + " batch AS (SELECT array_agg(id) AS ids FROM claimed),"
            + " earlier AS (SELECT x AS id, min(a.started_at) AS started FROM "
            + schema.attempts()
            + " a, batch, unnest(a.ids) AS x WHERE a.ids && batch.ids GROUP BY x)"
            + " SELECT c.id, c.notification::text, c.attempts,"
            + " extract(epoch FROM clock_timestamp() - e.started)"
            + " FROM claimed c LEFT JOIN earlier e ON e.id = c.id ORDER BY c.id";
    // The batch's attempt record goes in the same statement as its relayed rows: one round trip
    // less on the path from commit to stream. attempt_id -1 matches nothing.
    String forget = "WITH forget AS (DELETE FROM " + schema.attempts() + " WHERE attempt_id = ?) ";
    this.markRelayed =
        forget
            + "UPDATE "
            + t
            + " o SET status = 'relayed', notification_id = u.nid, attempts = o.attempts + 1,"
            + " last_error = NULL, relayed_at = clock_timestamp(), updated_at = clock_timestamp()"
            + " FROM unnest(?::bigint[], ?::text[]) AS u(id, nid) WHERE o.id = u.id";
    this.deleteRelayed = forget + "DELETE FROM " + t + " WHERE id = ANY(?::bigint[])";
    this.setAside =
        "UPDATE "
            + t
            + " o SET status = ?, last_error = u.reason, attempts = o.attempts + ?,"
            + " updated_at = clock_timestamp()"
            + " FROM unnest(?::bigint[], ?::text[]) AS u(id, reason) WHERE o.id = u.id";
    this.defer =
        "UPDATE "
            + t
            + " SET attempts = attempts + 1, last_error = ?, updated_at = clock_timestamp(),"
            + " next_attempt_at = clock_timestamp() + "
            + BACKOFF
            + " WHERE id = ANY(?::bigint[])";
    this.forgetAttempt = "DELETE FROM " + schema.attempts() + " WHERE attempt_id = ?";
    this.oldestPending =
        "SELECT extract(epoch FROM clock_timestamp() - created_at) FROM "
            + t
            + " WHERE status = 'pending' ORDER BY id LIMIT 1";
  }

  /** The claim statement; its one parameter is the batch size. */
  String claimSql() {
    return claim;
  }

  /** Locks up to {@code limit} due pending rows in {@code c}'s open transaction. */
  List<OutboxRow> claim(Connection c, int limit) throws SQLException {
    List<OutboxRow> rows = new ArrayList<>(limit);
    try (PreparedStatement s = c.prepareStatement(claim)) {
      s.setInt(1, limit);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          double age = r.getDouble(4);
          Optional<Duration> earlier =
              r.wasNull() ? Optional.empty() : Optional.of(Duration.ofMillis((long) (age * 1000)));
          rows.add(new OutboxRow(r.getLong(1), r.getString(2), r.getInt(3), earlier));
        }
      }
    }
    return rows;
  }

  /**
   * Writes the settlement in {@code c}'s open transaction and forgets the batch's attempt record
   * (when it had one, and no row's outcome is unknown), so that both commit together.
   */
  void settle(Connection c, Settlement s, Long attemptId) throws SQLException {
    if (s.keepsAttemptRecord) {
      attemptId = null;
    }
    long attempt = attemptId == null ? -1 : attemptId;
    if (!s.relayed.isEmpty()) {
      if (deletesRelayed) {
        try (PreparedStatement p = c.prepareStatement(deleteRelayed)) {
          p.setLong(1, attempt);
          p.setArray(2, ids(c, s.relayed));
          p.executeUpdate();
        }
      } else {
        try (PreparedStatement p = c.prepareStatement(markRelayed)) {
          p.setLong(1, attempt);
          p.setArray(2, ids(c, s.relayed));
          p.setArray(3, c.createArrayOf("text", s.notificationIds.toArray()));
          p.executeUpdate();
        }
      }
    } else if (attemptId != null) {
      try (PreparedStatement p = c.prepareStatement(forgetAttempt)) {
        p.setLong(1, attemptId);
        p.executeUpdate();
      }
    }
    setAside(c, "rejected", 1, s.rejected, s.rejectedReasons);
    setAside(c, "in_doubt", 0, s.inDoubt, s.inDoubtReasons);
    if (!s.deferred.isEmpty()) {
      try (PreparedStatement p = c.prepareStatement(defer)) {
        p.setString(1, s.deferredReason);
        p.setArray(2, ids(c, s.deferred));
        p.executeUpdate();
      }
    }
  }

  /** How old the oldest pending row is, by the database's clock; empty when none is pending. */
  Optional<Duration> oldestPending(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(oldestPending);
        ResultSet r = s.executeQuery()) {
      return r.next()
          ? Optional.of(Duration.ofMillis((long) (Math.max(0, r.getDouble(1)) * 1000)))
          : Optional.empty();
    }
  }

  private void setAside(
      Connection c, String status, int attempt, List<Long> rowIds, List<String> reasons)
      throws SQLException {
    if (rowIds.isEmpty()) {
      return;
    }
    try (PreparedStatement p = c.prepareStatement(setAside)) {
      p.setString(1, status);
      p.setInt(2, attempt);
      p.setArray(3, ids(c, rowIds));
      p.setArray(4, c.createArrayOf("text", reasons.toArray()));
      p.executeUpdate();
    }
  }

  static Array ids(Connection c, List<Long> ids) throws SQLException {
    return c.createArrayOf("bigint", ids.toArray());
  }
}
