package dev.herald.testing;

import dev.herald.config.PostgresSourceSettings;
import dev.herald.outbox.OutboxSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The PostgreSQL server the outbox integration tests share: one {@link PostgresServer} per test
 * JVM, started on first use. Each test takes its own outbox table ({@link #newTable}), so tests
 * never see each other's rows. If no server can be had the tests fail: they are never skipped.
 */
public final class TestPostgres {

  private static final AtomicLong TABLES = new AtomicLong();
  private static PostgresServer server;

  private TestPostgres() {}

  public static synchronized PostgresServer server() {
    if (server == null) {
      // fsync off: the shared server is for correctness under normal operation; the tests that
      // crash PostgreSQL start their own server with fsync on.
      server = PostgresServer.start("fsync=off", "synchronous_commit=off");
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
      System.err.println("[herald tests] PostgreSQL: " + server.describe());
    }
    return server;
  }

  /** Creates a fresh outbox table (the shipped DDL) on the shared server; its name. */
  public static String newTable() {
    String table = "outbox_" + TABLES.incrementAndGet();
    createTable(server(), table);
    return table;
  }

  public static void createTable(PostgresServer on, String table) {
    try (Connection c = on.connect()) {
      new OutboxSchema(table).apply(c);
    } catch (SQLException e) {
      throw new IllegalStateException("creating outbox table " + table, e);
    }
  }

  /**
   * The {@code sources.postgres} section for {@code table} on {@code on}, enabled, password from a
   * file, with {@code extra} keys (indented by four spaces) after it.
   */
  public static String yaml(PostgresServer on, String table, String... extra) {
    StringBuilder y =
        new StringBuilder("sources:\n  postgres:\n    enabled: true\n")
            .append("    url: ")
            .append(on.jdbcUrl())
            .append("\n    user: ")
            .append(PostgresServer.USER)
            .append("\n    password-file: ")
            .append(on.passwordFile())
            .append("\n    table: ")
            .append(table)
            .append("\n");
    for (String e : extra) {
      y.append("    ").append(e).append("\n");
    }
    return y.toString();
  }

  /** Relay settings for {@code table} on {@code on}: enabled, password from a file. */
  public static PostgresSourceSettings settings(
      PostgresServer on, String table, int batchSize, int workers, String relayedRows) {
    return new PostgresSourceSettings(
        true,
        on.jdbcUrl(),
        PostgresServer.USER,
        null,
        on.passwordFile().toString(),
        table,
        batchSize,
        workers,
        Duration.ofMillis(200),
        relayedRows,
        Duration.ofDays(7),
        Duration.ofHours(1));
  }
}
