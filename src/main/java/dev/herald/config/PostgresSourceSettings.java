package dev.herald.config;

import java.time.Duration;
import java.util.List;

/**
 * The PostgreSQL outbox relay ({@code sources.postgres}): producers insert notifications into an
 * outbox table in their own transactions, and {@code herald run} moves the committed rows on.
 *
 * @param enabled whether {@code herald run} relays the table
 * @param url JDBC URL of the database, {@code jdbc:postgresql://host[:port]/database}
 * @param user the database user; null: the driver's default (or the URL's {@code user=})
 * @param password its password; null: none, or {@code passwordFile}
 * @param passwordFile a file whose first line is the password (systemd credentials, secrets)
 * @param table the outbox table (a plain lower-case name; the schema comes from the search path)
 * @param batchSize most rows claimed and relayed per database transaction
 * @param workers relaying threads in this process, each with its own transaction
 * @param pollInterval longest wait between two looks at the table when no {@code NOTIFY} comes
 * @param relayedRows {@code mark} (keep relayed rows, status {@code relayed}, for {@code
 *     retention}) or {@code delete} (delete them in the relaying transaction)
 * @param retention how long rows marked relayed are kept before they are deleted
 * @param idempotencyWindow how long Redis remembers each relayed row's idempotency key, so that a
 *     relay that crashed between Redis and its commit cannot create a second notification
 */
public record PostgresSourceSettings(
    Boolean enabled,
    String url,
    String user,
    String password,
    String passwordFile,
    String table,
    Integer batchSize,
    Integer workers,
    Duration pollInterval,
    String relayedRows,
    Duration retention,
    Duration idempotencyWindow) {

  public static final String MARK = "mark";
  public static final String DELETE = "delete";
  public static final List<String> RELAYED_ROWS = List.of(MARK, DELETE);

  public PostgresSourceSettings {
    enabled = enabled != null && enabled;
    table = table == null ? "herald_outbox" : table;
    batchSize = batchSize == null ? 500 : batchSize;
    workers = workers == null ? 2 : workers;
    pollInterval = pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
    relayedRows = relayedRows == null ? MARK : relayedRows;
    retention = retention == null ? Duration.ofDays(7) : retention;
    idempotencyWindow = idempotencyWindow == null ? Duration.ofHours(1) : idempotencyWindow;
  }

  static PostgresSourceSettings defaults() {
    return new PostgresSourceSettings(
        null, null, null, null, null, null, null, null, null, null, null, null);
  }

  public boolean deletesRelayedRows() {
    return DELETE.equals(relayedRows);
  }

  /** Without the password, so that printing a config never shows it. */
  @Override
  public String toString() {
    return "PostgresSourceSettings[enabled="
        + enabled
        + ", url="
        + (url == null ? null : redactedUrl(url))
        + ", user="
        + user
        + ", password="
        + (password == null ? null : "***")
        + ", passwordFile="
        + passwordFile
        + ", table="
        + table
        + "]";
  }

  /** A JDBC URL with the value of any {@code password=} parameter replaced by {@code ***}. */
  public static String redactedUrl(String url) {
    return url.replaceAll("(?i)([?&;]password=)[^&;]*", "$1***")
        .replaceAll("(//[^/@:]*:)[^@/]*@", "$1***@");
  }
}
