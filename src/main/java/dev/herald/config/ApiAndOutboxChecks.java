package dev.herald.config;

import dev.herald.domain.NotificationValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The checks of the ways in besides the intents stream: the HTTP API (with its tokens and its
 * spool) and the PostgreSQL outbox relay.
 */
final class ApiAndOutboxChecks extends ConfigChecks {

  ApiAndOutboxChecks(List<String> problems) {
    super(problems);
  }

  void api(HeraldConfig c) {
    ApiSettings api = c.api();
    if (api.enabled()) {
      try {
        api.address();
        if (api.listen().equals(c.ops().listen()) && api.address().getPort() != 0) {
          problems.add("api.listen must differ from ops.listen (both '" + api.listen() + "')");
        }
      } catch (IllegalArgumentException e) {
        problems.add("api.listen " + e.getMessage() + " (was '" + api.listen() + "')");
      }
    }
    java.util.Set<String> hashes = new java.util.HashSet<>();
    for (int i = 0; i < api.tokens().size(); i++) {
      token("api.tokens[" + i + "]", api.tokens().get(i), hashes);
    }
    if (api.tokensFile() != null) {
      try {
        List<ApiSettings.ApiToken> file =
            ApiSettings.readTokensFile(java.nio.file.Path.of(api.tokensFile()));
        for (int i = 0; i < file.size(); i++) {
          token("api.tokens-file '" + api.tokensFile() + "' entry " + (i + 1), file.get(i), hashes);
        }
      } catch (IllegalArgumentException e) {
        problems.add("api.tokens-file '" + api.tokensFile() + "' " + e.getMessage());
      }
    }
    if (api.enabled() && hashes.isEmpty() && problems.isEmpty()) {
      try {
        if (!api.loopbackOnly()) {
          problems.add(
              "api.listen "
                  + api.listen()
                  + " is not a loopback address, so api.tokens or api.tokens-file must name at"
                  + " least one token (without tokens only this host may submit)");
        }
      } catch (IllegalArgumentException e) {
        // reported above
      }
    }
    between("api.max-body-bytes", api.maxBodyBytes(), 1024, 1L << 30);
    between("api.max-batch", api.maxBatch(), 1, 10_000);
    between("api.threads", api.threads(), 4, 1024);
    if (api.tls().enabled()
        && !java.nio.file.Files.isReadable(java.nio.file.Path.of(api.tls().keystore()))) {
      problems.add(
          "api.tls.keystore must be a readable PKCS#12 file (was '" + api.tls().keystore() + "')");
    }
  }

  private void token(String key, ApiSettings.ApiToken token, java.util.Set<String> hashes) {
    if (token == null) {
      problems.add(key + " must be {producer: ..., sha256: ...}");
      return;
    }
    if (token.producer() == null
        || token.producer().isEmpty()
        || token.producer().length() > NotificationValidator.MAX_ID_LENGTH
        || token.producer().chars().anyMatch(ch -> ch <= ' ')) {
      problems.add(
          key
              + ".producer must be a producer id: 1 to 128 characters without whitespace (was '"
              + token.producer()
              + "')");
    }
    String hash = token.sha256() == null ? "" : token.sha256().toLowerCase(java.util.Locale.ROOT);
    if (!hash.matches("[0-9a-f]{64}")) {
      problems.add(
          key
              + ".sha256 must be the token's SHA-256 as 64 hex digits (printf %s \"$TOKEN\" |"
              + " sha256sum), not the token itself");
    } else if (!hashes.add(hash)) {
      problems.add(
          key + ".sha256 names a token listed before: each token must be bound to one producer");
    }
  }

  void spool(HeraldConfig c) {
    SpoolSettings s = c.spool();
    if (s.dir().isBlank()) {
      problems.add("spool.dir must be a directory or off (was '" + s.dir() + "')");
    }
    between("spool.max-bytes", s.maxBytes(), 1L << 20, 1L << 40);
    oneOf("spool.fsync", s.fsync(), SpoolSettings.FSYNC);
    between("spool.fsync-interval", s.fsyncInterval(), Duration.ofMillis(1), Duration.ofMinutes(1));
    between("spool.segment-bytes", s.segmentBytes(), 64L * 1024, 1L << 30);
    if (s.segmentBytes() > s.maxBytes()) {
      problems.add(
          "spool.segment-bytes must not be above spool.max-bytes (was "
              + s.segmentBytes()
              + " > "
              + s.maxBytes()
              + ")");
    }
    between("spool.segment-age", s.segmentAge(), Duration.ofMillis(10), Duration.ofHours(1));
    between("spool.replay-rate", s.replayRate(), 1, 1_000_000);
    between("spool.replay-batch", s.replayBatch(), 1, 5000);
    between("spool.store-budget", s.storeBudget(), Duration.ofMillis(10), Duration.ofMinutes(1));
  }

  void postgres(PostgresSourceSettings pg) {
    String key = "sources.postgres";
    if (pg.url() == null) {
      if (pg.enabled()) {
        problems.add(key + ".url is required when " + key + ".enabled is true");
      }
    } else if (!pg.url().startsWith("jdbc:postgresql:")) {
      problems.add(
          key
              + ".url must be a PostgreSQL JDBC URL, jdbc:postgresql://host[:port]/database (was '"
              + PostgresSourceSettings.redactedUrl(pg.url())
              + "')");
    }
    if (pg.password() != null && pg.passwordFile() != null) {
      problems.add(key + ".password and " + key + ".password-file exclude each other: set one");
    }
    if (pg.passwordFile() != null && !Files.isReadable(Path.of(pg.passwordFile()))) {
      problems.add(
          key + ".password-file must be a readable file (was '" + pg.passwordFile() + "')");
    }
    if (!pg.table().matches(TABLE_NAME)) {
      problems.add(
          key
              + ".table must be a lower-case name of 1 to 40 letters, digits and _, starting with"
              + " a letter or _ (was '"
              + pg.table()
              + "')");
    }
    between(key + ".batch-size", pg.batchSize(), 1, 10_000);
    between(key + ".workers", pg.workers(), 1, 16);
    between(
        key + ".poll-interval", pg.pollInterval(), Duration.ofMillis(10), Duration.ofMinutes(10));
    oneOf(key + ".relayed-rows", pg.relayedRows(), PostgresSourceSettings.RELAYED_ROWS);
    between(key + ".retention", pg.retention(), Duration.ZERO, Duration.ofDays(3650));
    between(
        key + ".idempotency-window",
        pg.idempotencyWindow(),
        Duration.ofMinutes(1),
        Duration.ofDays(30));
  }

  /** A plain table name: the relay derives its index, trigger and channel names from it. */
  private static final String TABLE_NAME = "[a-z_][a-z0-9_]{0,39}";
}
