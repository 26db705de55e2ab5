package dev.herald.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A test's view of one outbox table: insert rows as a producer would, and read them back. */
public final class OutboxRows {

  private final PostgresServer server;
  public final String table;

  public OutboxRows(PostgresServer server, String table) {
    this.server = server;
    this.table = table;
  }

  /** A valid notification for one recipient, as a producer would insert it. */
  public static String notification(String recipient) {
    return "{\"type\":\"order.shipped\",\"producer\":\"shop\",\"recipients\":[\""
        + recipient
        + "\"],\"channels\":[\"push\"],\"payload\":{\"order\":\""
        + recipient
        + "\"}}";
  }

  /** Inserts the notifications in one committed transaction; their ids, in order. */
  public List<Long> insert(String... notifications) {
    return insert(true, notifications);
  }

  /** Inserts in one transaction that commits or rolls back; the ids it had. */
  public List<Long> insert(boolean commit, String... notifications) {
    try (Connection c = server.connect()) {
      c.setAutoCommit(false);
      List<Long> ids = insert(c, notifications);
      if (commit) {
        c.commit();
      } else {
        c.rollback();
      }
      return ids;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Inserts on {@code c}, in its transaction; the ids. */
  public List<Long> insert(Connection c, String... notifications) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO " + table + " (notification) VALUES (?::jsonb) RETURNING id")) {
      for (String n : notifications) {
        p.setString(1, n);
        try (ResultSet r = p.executeQuery()) {
          r.next();
          ids.add(r.getLong(1));
        }
      }
    }
    return ids;
  }

  /** Rows by status. */
  public Map<String, Long> statuses() {
    Map<String, Long> out = new TreeMap<>();
    query(
        "SELECT status, count(*) FROM " + table + " GROUP BY status",
        r -> out.put(r.getString(1), r.getLong(2)));
    return out;
  }

  public long count(String status) {
    return statuses().getOrDefault(status, 0L);
  }

  /** One row as the tests look at it. */
  public record Row(
      long id,
      String status,
      int attempts,
      String lastError,
      String notificationId,
      boolean dueNow,
      boolean hasRelayedAt) {}

  public Row row(long id) {
    List<Row> found = new ArrayList<>();
    query(
        "SELECT id, status, attempts, last_error, notification_id, next_attempt_at <= now(),"
            + " relayed_at IS NOT NULL FROM "
            + table
            + " WHERE id = "
            + id,
        r ->
            found.add(
                new Row(
                    r.getLong(1),
                    r.getString(2),
                    r.getInt(3),
                    r.getString(4),
                    r.getString(5),
                    r.getBoolean(6),
                    r.getBoolean(7))));
    return found.isEmpty() ? null : found.get(0);
  }

  /** The notification column of a row, as text. */
  public String json(long id) {
    List<String> out = new ArrayList<>();
    query(
        "SELECT notification::text FROM " + table + " WHERE id = " + id,
        r -> out.add(r.getString(1)));
    return out.get(0);
  }

  public void execute(String sql) {
    try (Connection c = server.connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  public long queryLong(String sql) {
    long[] out = new long[1];
    query(sql, r -> out[0] = r.getLong(1));
    return out[0];
  }

  /** Each row of a query, handed to {@code each}. */
  public void query(String sql, RowHandler each) {
    try (Connection c = server.connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        each.handle(r);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  @FunctionalInterface
  public interface RowHandler {
    void handle(ResultSet r) throws SQLException;
  }
}
