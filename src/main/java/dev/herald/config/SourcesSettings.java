package dev.herald.config;

/**
 * Where {@code herald run} takes notifications from besides the Java API and the intents stream.
 *
 * @param postgres a PostgreSQL transactional outbox table, relayed when enabled
 */
public record SourcesSettings(PostgresSourceSettings postgres) {
  public SourcesSettings {
    postgres = postgres == null ? PostgresSourceSettings.defaults() : postgres;
  }

  static SourcesSettings defaults() {
    return new SourcesSettings(null);
  }
}
