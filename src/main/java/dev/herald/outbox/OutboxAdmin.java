package dev.herald.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator's side of the outbox: what waits and why, and sending rows again after a fix. Every
 * count reads a partial index, so that it stays quick however many relayed rows the table keeps.
 */
public final class OutboxAdmin {

  /** Rows sent back to pending per transaction. */
  static final int RETRY_SLICE = 1_000;

  private final OutboxDatabase database;
  private final OutboxSchema schema;

  public OutboxAdmin(OutboxDatabase database) {
    this.database = database;
    this.schema = database.schema();
  }

  /**
   * @param limit most held rows to list, newest first; 0 for all
   */
  public OutboxStatus status(int limit) {
    String t = schema.table();
    try (Connection c = database.connection()) {
      Map<String, Long> counts = new LinkedHashMap<>();
      for (String status : OutboxStatus.STATUSES) {
        counts.put(
            status, count(c, "SELECT count(*) FROM " + t + " WHERE status = '" + status + "'"));
      }
      long due =
          count(
              c,
              "SELECT count(*) FROM "
                  + t
                  + " WHERE status = 'pending' AND next_attempt_at <= now()");
      java.time.Instant oldestAt = null;
      Duration oldestAge = Duration.ZERO;
      try (Statement s = c.createStatement();
          ResultSet r =
              s.executeQuery(
                  "SELECT created_at, extract(epoch FROM clock_timestamp() - created_at) FROM "
                      + t
                      + " WHERE status = 'pending' ORDER BY id LIMIT 1")) {
        if (r.next()) {
          oldestAt = r.getTimestamp(1).toInstant();
          oldestAge = Duration.ofMillis((long) (Math.max(0, r.getDouble(2)) * 1000));
        }
      }
      long attempts = count(c, "SELECT count(*) FROM " + schema.attempts());
      return new OutboxStatus(t, counts, due, oldestAt, oldestAge, attempts, held(c, limit));
    } catch (SQLException e) {
      throw SqlFailures.classify("reading " + t, e, schema);
    }
  }

  private List<OutboxStatus.HeldRow> held(Connection c, int limit) throws SQLException {
    List<OutboxStatus.HeldRow> out = new ArrayList<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT id, status, created_at, updated_at, attempts, last_error, notification::text"
                + " FROM "
                + schema.table()
                + " WHERE status IN ('rejected', 'in_doubt') ORDER BY id DESC LIMIT ?")) {
      p.setInt(1, limit == 0 ? Integer.MAX_VALUE : limit); // 0: all of them
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(
              new OutboxStatus.HeldRow(
                  r.getLong(1),
                  r.getString(2),
                  r.getTimestamp(3).toInstant(),
                  r.getTimestamp(4).toInstant(),
                  r.getInt(5),
                  r.getString(6),
                  r.getString(7)));
        }
      }
    }
    return out;
  }

  /**
   * Which held rows to send again.
   *
   * @param status {@code rejected} or {@code in_doubt}
   * @param ids only these rows; empty for every row of the status
   * @param reasonContains only rows whose reason contains this text; null for any
   * @param limit most rows, oldest first; 0 for all
   */
  public record Retry(String status, List<Long> ids, String reasonContains, long limit) {
    public Retry {
      if (!status.equals("rejected") && !status.equals("in_doubt")) {
        throw new IllegalArgumentException("status must be rejected or in_doubt: " + status);
      }
      ids = List.copyOf(ids);
    }
  }

  /** Rows matching a retry, oldest first, at most {@code show} of them, without changing any. */
  public List<Long> matching(Retry retry, int show) {
    try (Connection c = database.connection();
        PreparedStatement p =
            c.prepareStatement(
                "SELECT id FROM " + schema.table() + where(retry) + " ORDER BY id LIMIT ?")) {
      int i = bind(p, retry, 1);
      p.setLong(i, retry.limit() > 0 ? Math.min(retry.limit(), show) : show);
      List<Long> out = new ArrayList<>();
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(r.getLong(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw SqlFailures.classify("reading " + schema.table(), e, schema);
    }
  }

  /** How many rows a retry would send again. */
  public long count(Retry retry) {
    try (Connection c = database.connection();
        PreparedStatement p =
            c.prepareStatement("SELECT count(*) FROM " + schema.table() + where(retry))) {
      bind(p, retry, 1);
      try (ResultSet r = p.executeQuery()) {
        r.next();
        long n = r.getLong(1);
        return retry.limit() > 0 ? Math.min(n, retry.limit()) : n;
      }
    } catch (SQLException e) {
      throw SqlFailures.classify("reading " + schema.table(), e, schema);
    }
  }

  /**
   * Sends the matching rows back to pending, due now, a slice of {@link #RETRY_SLICE} per
   * transaction; the relay takes them from there. Their attempt records are dropped with them: the
   * operator decided that they go out (again). Returns how many rows it sent back.
   */
  public long retry(Retry retry) {
    long done = 0;
    while (retry.limit() == 0 || done < retry.limit()) {
      long slice = retry.limit() == 0 ? RETRY_SLICE : Math.min(RETRY_SLICE, retry.limit() - done);
      int n = retrySlice(retry, slice);
      done += n;
      if (n < slice) {
        break;
      }
    }
    return done;
  }

  private int retrySlice(Retry retry, long slice) {
    String t = schema.table();
    try (Connection c = database.connection()) {
      c.setAutoCommit(false);
      try {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement p =
            c.prepareStatement(
                "UPDATE "
                    + t
                    + " o SET status = 'pending', next_attempt_at = now(), last_error = NULL,"
                    + " updated_at = clock_timestamp() FROM (SELECT id FROM "
                    + t
                    + where(retry)
                    + " ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED) picked"
                    + " WHERE o.id = picked.id RETURNING o.id")) {
          int i = bind(p, retry, 1);
          p.setLong(i, slice);
          try (ResultSet r = p.executeQuery()) {
            while (r.next()) {
              ids.add(r.getLong(1));
            }
          }
        }
        if (!ids.isEmpty()) {
          try (PreparedStatement p =
              c.prepareStatement(
                  "UPDATE "
                      + schema.attempts()
                      + " SET ids = ARRAY(SELECT x FROM unnest(ids) x WHERE x <> ALL(?::bigint[]))"
                      + " WHERE ids && ?::bigint[]")) {
            p.setArray(1, OutboxTable.ids(c, ids));
            p.setArray(2, OutboxTable.ids(c, ids));
            p.executeUpdate();
          }
          try (Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM " + schema.attempts() + " WHERE cardinality(ids) = 0");
          }
        }
        c.commit();
        return ids.size();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw SqlFailures.classify("sending rows of " + t + " back to pending", e, schema);
    }
  }

  private static String where(Retry retry) {
    StringBuilder w = new StringBuilder(" WHERE status = ?");
    if (!retry.ids().isEmpty()) {
      w.append(" AND id = ANY(?::bigint[])");
    }
    if (retry.reasonContains() != null) {
      w.append(" AND strpos(last_error, ?) > 0");
    }
    return w.toString();
  }

  private static int bind(PreparedStatement p, Retry retry, int first) throws SQLException {
    int i = first;
    p.setString(i++, retry.status());
    if (!retry.ids().isEmpty()) {
      p.setArray(i++, OutboxTable.ids(p.getConnection(), retry.ids()));
    }
    if (retry.reasonContains() != null) {
      p.setString(i++, retry.reasonContains());
    }
    return i;
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}
