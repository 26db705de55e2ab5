package dev.herald.config;

import dev.herald.domain.NotificationValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** One pass over a bound config; every problem names its key, the value and what is allowed. */
final class ConfigValidator {

  private final List<String> problems = new ArrayList<>();

  List<String> validate(HeraldConfig c) {
    if (c.redis().url() != null) {
      try {
        RedisEndpoint.parse(c.redis().url(), null, c.redis().timeout());
      } catch (IllegalArgumentException e) {
        problems.add(
            "redis.url " + e.getMessage() + " (was '" + redactedUrl(c.redis().url()) + "')");
      }
    }
    if (c.redis().url() != null && c.redis().wantsEmbedded()) {
      problems.add(
          "redis.embedded must not be true when redis.url is set (was '"
              + redactedUrl(c.redis().url())
              + "'): keep one");
    }
    between("redis.timeout", c.redis().timeout(), Duration.ofMillis(10), Duration.ofMinutes(1));
    if (c.namespace().isEmpty()
        || c.namespace().length() > 64
        || !c.namespace().matches("[A-Za-z0-9_.:-]+")) {
      problems.add(
          "namespace must be 1 to 64 of the characters A-Z a-z 0-9 _ . : - (was '"
              + c.namespace()
              + "')");
    }
    keyName("gateway.stream", c.gateway().stream());
    between("gateway.max-length", c.gateway().maxLength(), 1, 1_000_000_000L);
    between("publisher.workers", c.publisher().workers(), 1, PublisherSettings.MAX_WORKERS);
    between("publisher.batch-size", c.publisher().batchSize(), 1, 10_000);
    between(
        "publisher.batch-bytes",
        c.publisher().batchBytes(),
        PublisherSettings.MIN_BATCH_BYTES,
        PublisherSettings.MAX_BATCH_BYTES);
    between(
        "publisher.poll-interval",
        c.publisher().pollInterval(),
        Duration.ofMillis(10),
        Duration.ofMinutes(10));
    between("publisher.lease", c.publisher().lease(), Duration.ofSeconds(1), Duration.ofHours(1));
    between(
        "publisher.shutdown-grace",
        c.publisher().shutdownGrace(),
        Duration.ZERO,
        Duration.ofMinutes(10));
    between("backoff.initial", c.backoff().initial(), Duration.ofMillis(1), Duration.ofDays(1));
    between("backoff.max", c.backoff().max(), Duration.ofMillis(1), Duration.ofDays(7));
    if (c.backoff().max().compareTo(c.backoff().initial()) < 0) {
      problems.add(
          "backoff.max must not be below backoff.initial (was "
              + Durations.format(c.backoff().max())
              + " < "
              + Durations.format(c.backoff().initial())
              + ")");
    }
    if (!(c.backoff().multiplier() >= 1.0 && c.backoff().multiplier() <= 100.0)) {
      problems.add(
          "backoff.multiplier must be between 1.0 and 100.0 (was "
              + c.backoff().multiplier()
              + ")");
    }
    between(
        "delivery.max-attempts",
        c.delivery().maxAttempts(),
        1,
        NotificationValidator.MAX_ATTEMPTS_LIMIT);
    between("delivery.failure-history", c.delivery().failureHistory(), 1, 100);
    between(
        "intake.idempotency-window",
        c.intake().idempotencyWindow(),
        Duration.ZERO,
        Duration.ofDays(30));
    between("intake.max-payload-bytes", c.intake().maxPayloadBytes(), 1, 1_048_576);
    keyName("intake.stream", c.intake().stream());
    keyName("intake.group", c.intake().group());
    between("intake.batch-size", c.intake().batchSize(), 1, 10_000);
    between("intake.claim-idle", c.intake().claimIdle(), Duration.ofSeconds(1), Duration.ofDays(1));
    keyName("intake.rejected-stream", c.intake().rejectedStream());
    if (c.intake().rejectedStream().equals(c.intake().stream())) {
      problems.add(
          "intake.rejected-stream must differ from intake.stream (both '"
              + c.intake().stream()
              + "')");
    }
    between("intake.rejected-max-length", c.intake().rejectedMaxLength(), 1, 1_000_000_000L);
    channels(c);
    problems.addAll(StreamCollisions.check(c));
    between("retention.published", c.retention().published(), Duration.ZERO, Duration.ofDays(365));
    if (c.ops().enabled()) {
      try {
        c.ops().address();
      } catch (IllegalArgumentException e) {
        problems.add("ops.listen " + e.getMessage() + " (was '" + c.ops().listen() + "')");
      }
    }
    between(
        "ops.ready-timeout", c.ops().readyTimeout(), Duration.ofMillis(10), Duration.ofMinutes(1));
    between("ops.max-type-labels", c.ops().maxTypeLabels(), 1, 1000);
    oneOf("logging.level", c.logging().level(), LoggingSettings.LEVELS);
    oneOf("logging.format", c.logging().format(), LoggingSettings.FORMATS);
    postgres(c.sources().postgres());
    if (c.deadLetters().maxCount() != null) {
      between("dead-letters.max-count", c.deadLetters().maxCount(), 1, 1_000_000_000L);
    }
    if (c.deadLetters().maxAge() != null) {
      between(
          "dead-letters.max-age",
          c.deadLetters().maxAge(),
          Duration.ofMinutes(1),
          Duration.ofDays(3650));
    }
    api(c);
    spool(c);
    return problems;
  }

  private void api(HeraldConfig c) {
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

  private void spool(HeraldConfig c) {
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

  private void channels(HeraldConfig c) {
    if (c.channelSettings().isEmpty()) {
      problems.add("channels must name at least one channel (or be left out for push only)");
    }
    c.channelSettings()
        .forEach(
            (name, channel) -> {
              String key = "channels." + name;
              if (!name.matches("[A-Za-z0-9_.-]{1,32}")) {
                problems.add(
                    key
                        + ": a channel name must be 1 to 32 of the characters A-Z a-z 0-9 _ . -"
                        + " (was '"
                        + name
                        + "')");
              }
              if (channel.stream() == null) {
                problems.add(key + ".stream is required (the stream its routes go to)");
              } else {
                keyName(key + ".stream", channel.stream());
              }
              between(key + ".max-length", channel.maxLength(), 1, 1_000_000_000L);
            });
  }

  private void postgres(PostgresSourceSettings pg) {
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

  /** A Redis key (or group) name: not blank, no whitespace or control characters. */
  private void keyName(String key, String value) {
    if (value.isBlank() || value.chars().anyMatch(ch -> ch <= ' ')) {
      problems.add(key + " must be a key name without whitespace (was '" + value + "')");
    }
  }

  private void oneOf(String key, String value, List<String> allowed) {
    if (value != null && !allowed.contains(value)) {
      problems.add(
          key + " must be one of " + String.join(", ", allowed) + " (was '" + value + "')");
    }
  }

  private void between(String key, long value, long min, long max) {
    if (value < min || value > max) {
      problems.add(key + " must be between " + min + " and " + max + " (was " + value + ")");
    }
  }

  private void between(String key, Duration value, Duration min, Duration max) {
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      problems.add(
          key
              + " must be between "
              + Durations.format(min)
              + " and "
              + Durations.format(max)
              + " (was "
              + Durations.format(value)
              + ")");
    }
  }

  /** Hides a password in a URL that could not be parsed, so that it never reaches a log. */
  static String redactedUrl(String url) {
    return url.replaceAll("(//[^/@:]*:)[^@/]*@", "$1***@");
  }
}
