package dev.herald.outbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The outbox's tables, indexes and trigger, for one table name: every other name (the attempts
 * table, the indexes, the trigger, the {@code NOTIFY} channel) is derived from it. The DDL is the
 * resource {@code schema.sql}, written for {@code herald_outbox}.
 *
 * @param table a plain lower-case name, as {@code sources.postgres.table} allows
 */
public record OutboxSchema(String table) {

  private static final String DEFAULT_TABLE = "herald_outbox";

  public OutboxSchema {
    if (!table.matches("[a-z_][a-z0-9_]{0,39}")) {
      throw new IllegalArgumentException("not a plain lower-case table name: " + table);
    }
  }

  /** Where relay attempts that may have reached Herald are recorded until their commit. */
  public String attempts() {
    return table + "_attempts";
  }

  /** The {@code LISTEN}/{@code NOTIFY} channel the table's trigger notifies. */
  public String channel() {
    return table;
  }

  /** The DDL that creates everything (safe to run again). */
  public String ddl() {
    return template().replace(DEFAULT_TABLE, table);
  }

  /** Runs {@link #ddl} in one transaction. */
  public void apply(Connection c) throws SQLException {
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute(ddl());
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(auto);
    }
  }

  private static String template() {
    try (InputStream in = OutboxSchema.class.getResourceAsStream("schema.sql")) {
      if (in == null) {
        throw new IllegalStateException("resource dev/herald/outbox/schema.sql is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
