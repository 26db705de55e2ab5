package dev.herald.bench;

import dev.herald.outbox.OutboxDatabase;
import dev.herald.outbox.OutboxSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The outbox benchmark's own table, {@value #TABLE}, on the configured database: created afresh for
 * each run with the shipped DDL and dropped at the end; rows put in bulk; the server it runs on.
 */
final class BenchOutboxTable {

  static final String TABLE = "herald_bench_outbox";

  private final OutboxDatabase db;

  BenchOutboxTable(OutboxDatabase db) {
    this.db = db;
  }

  /** Drops the table (if there) and creates it afresh with the shipped DDL. */
  void recreate() throws SQLException {
    drop();
    try (Connection c = db.connection()) {
      new OutboxSchema(TABLE).apply(c);
    }
  }

  void drop() throws SQLException {
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + TABLE + ", " + TABLE + "_attempts");
      s.execute("DROP FUNCTION IF EXISTS " + TABLE + "_notify()");
    }
  }

  String serverVersion() throws SQLException {
    try (Connection c = db.connection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SHOW server_version")) {
      r.next();
      return "PostgreSQL " + r.getString(1);
    }
  }

  /** The server's postmaster when it runs on this host, else -1. */
  long postmaster() throws SQLException {
    try (Connection c = db.connection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
      r.next();
      return ProcessCpu.parent(r.getLong(1));
    }
  }

  /** CPU seconds of the server so far, or 0 when it is not on this host. */
  static double cpu(long postmaster) {
    return postmaster < 0 ? 0 : ProcessCpu.ofTree(postmaster);
  }

  /** {@code count} committed rows, inserted by the database itself (fast: not what is measured). */
  void insert(String run, int count) throws SQLException {
    StringBuilder recipients = new StringBuilder("jsonb_build_array(");
    for (int k = 0; k < Workload.RECIPIENTS; k++) {
      recipients
          .append(k == 0 ? "" : ", ")
          .append("'u-")
          .append(run)
          .append("-' || g || '-")
          .append(k)
          .append("'");
    }
    recipients.append(")");
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO "
              + TABLE
              + " (notification) SELECT jsonb_build_object('type', 'bench.outbox', 'producer',"
              + " 'herald-bench', 'recipients', "
              + recipients
              + ", 'channels', '[\"push\"]'::jsonb, 'payload', jsonb_build_object('seq', g,"
              + " 'pad', repeat('x', 230))) FROM generate_series(1, "
              + count
              + ") g");
      s.execute("VACUUM ANALYZE " + TABLE);
    }
  }

  /** Each relayed row: its notification id and when it was marked relayed (epoch ms). */
  record Relayed(String notificationId, long relayedAtMs) {}

  Map<Long, Relayed> relayed() throws SQLException {
    Map<Long, Relayed> out = new HashMap<>();
    try (Connection c = db.connection();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT id, notification_id, (extract(epoch FROM relayed_at) * 1000)::bigint FROM "
                    + TABLE
                    + " WHERE status = 'relayed'")) {
      while (r.next()) {
        out.put(r.getLong(1), new Relayed(r.getString(2), r.getLong(3)));
      }
    }
    return out;
  }
}
