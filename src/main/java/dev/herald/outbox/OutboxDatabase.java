package dev.herald.outbox;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.herald.config.PostgresSourceSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * The outbox database: a small connection pool (HikariCP) for the relay's transactions and the
 * operator's commands, and single connections for {@code LISTEN}. Every session runs with {@link
 * #HOLD_LIMIT} as its idle-in-transaction timeout, so that a relay frozen in the middle of a batch
 * (a long GC pause, SIGSTOP) loses its row locks to the others instead of holding them.
 */
public final class OutboxDatabase implements AutoCloseable {

  /** How long a session may sit in a transaction without a statement before the server ends it. */
  static final Duration HOLD_LIMIT = Duration.ofSeconds(30);

  /** Longest single statement; the relay's are milliseconds. */
  static final Duration STATEMENT_LIMIT = Duration.ofSeconds(30);

  private final PostgresSourceSettings settings;
  private final OutboxSchema schema;
  private final HikariDataSource pool;

  private OutboxDatabase(PostgresSourceSettings settings, int poolSize, String applicationName) {
    this.settings = settings;
    this.schema = new OutboxSchema(settings.table());
    HikariConfig hc = new HikariConfig();
    hc.setPoolName("herald-outbox");
    hc.setJdbcUrl(settings.url());
    if (settings.user() != null) {
      hc.setUsername(settings.user());
    }
    String password = password(settings);
    if (password != null) {
      hc.setPassword(password);
    }
    hc.setMaximumPoolSize(poolSize);
    hc.setMinimumIdle(1);
    hc.setConnectionTimeout(5_000);
    hc.setValidationTimeout(2_000);
    // Start without the database: the relay waits for it as Herald waits for Redis.
    hc.setInitializationFailTimeout(-1);
    hc.setConnectionInitSql(
        "SET idle_in_transaction_session_timeout = "
            + HOLD_LIMIT.toMillis()
            + "; SET statement_timeout = "
            + STATEMENT_LIMIT.toMillis());
    driverProperties(applicationName).forEach((k, v) -> hc.addDataSourceProperty((String) k, v));
    this.pool = new HikariDataSource(hc);
  }

  /**
   * A pool of at most {@code poolSize} connections; connects lazily, so a database that is down now
   * is not an error yet.
   *
   * @param applicationName shown in {@code pg_stat_activity}
   */
  public static OutboxDatabase open(
      PostgresSourceSettings settings, int poolSize, String applicationName) {
    return new OutboxDatabase(settings, poolSize, applicationName);
  }

  public OutboxSchema schema() {
    return schema;
  }

  public PostgresSourceSettings settings() {
    return settings;
  }

  /**
   * A pooled connection, autocommit on; close it to give it back.
   *
   * @throws OutboxUnavailableException when the database does not answer
   */
  public Connection connection() {
    try {
      return pool.getConnection();
    } catch (SQLException e) {
      throw SqlFailures.classify("connecting to " + describe(), e, schema);
    }
  }

  /** A connection of its own, outside the pool, for {@code LISTEN}: it is held for hours. */
  Connection dedicatedConnection() throws SQLException {
    Properties p = driverProperties("herald-listen");
    if (settings.user() != null) {
      p.setProperty("user", settings.user());
    }
    String password = password(settings);
    if (password != null) {
      p.setProperty("password", password);
    }
    return DriverManager.getConnection(settings.url(), p);
  }

  /** The database URL with any password redacted: for messages. */
  public String describe() {
    return PostgresSourceSettings.redactedUrl(settings.url());
  }

  private static Properties driverProperties(String applicationName) {
    Properties p = new Properties();
    p.setProperty("ApplicationName", applicationName);
    p.setProperty("connectTimeout", "5");
    // A connection whose peer vanished without a reset (a partition) fails instead of hanging.
    p.setProperty("socketTimeout", Long.toString(STATEMENT_LIMIT.toSeconds() + 30));
    p.setProperty("tcpKeepAlive", "true");
    return p;
  }

  private static String password(PostgresSourceSettings s) {
    if (s.password() != null) {
      return s.password();
    }
    if (s.passwordFile() == null) {
      return null;
    }
    try {
      return Files.readString(Path.of(s.passwordFile())).lines().findFirst().orElse("");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read sources.postgres.password-file " + s.passwordFile(), e);
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
