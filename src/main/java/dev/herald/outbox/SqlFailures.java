package dev.herald.outbox;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * Classifies a failed database call once, where it happened: transient trouble becomes {@link
 * OutboxUnavailableException}, a schema or privilege problem {@link OutboxSetupException}, and
 * anything else an {@link IllegalStateException} (a bug, or a table changed by hand).
 */
final class SqlFailures {

  private SqlFailures() {}

  /** Setup problems first: the pool reports refused credentials as a transient failure. */
  static RuntimeException classify(String doing, SQLException e, OutboxSchema schema) {
    String state = sqlState(e);
    String message = doing + ": " + firstLine(e.getMessage()) + " (SQLSTATE " + state + ")";
    if (state.equals("42P01") || state.equals("42703") || state.equals("42883")) {
      return new OutboxSetupException(
          message
              + "; create or update the outbox table "
              + schema.table()
              + " with `herald outbox schema` (or config/herald-outbox.sql)",
          e);
    }
    if (state.startsWith("28") || state.equals("42501")) {
      return new OutboxSetupException(
          message
              + "; check sources.postgres.user and its password, and grant it SELECT, UPDATE,"
              + " DELETE on "
              + schema.table()
              + " and SELECT, INSERT, DELETE on "
              + schema.attempts(),
          e);
    }
    if (isTransient(e, state)) {
      return new OutboxUnavailableException(message, e);
    }
    return new IllegalStateException(message, e);
  }

  private static boolean isTransient(SQLException e, String state) {
    return e instanceof SQLTransientException
        || e instanceof SQLRecoverableException
        || e instanceof SQLNonTransientConnectionException
        || state.startsWith("08") // connection exception
        || state.startsWith("53") // insufficient resources: too many connections, disk full
        || state.startsWith("57P") // admin shutdown, crash shutdown, cannot connect now
        || state.equals("57014") // statement timeout
        || state.equals("40001") // serialization failure
        || state.equals("40P01") // deadlock detected
        || state.equals("55P03") // lock not available
        || state.equals("25P03"); // idle-in-transaction timeout ended the session
  }

  /** The SQLSTATE of the exception or of the first cause that has one. */
  private static String sqlState(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getSQLState() != null) {
        return s.getSQLState();
      }
    }
    return "none";
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
