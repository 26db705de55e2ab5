package dev.herald.config;

import dev.herald.domain.NotificationValidator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** One pass over a bound config; every problem names its key, the value and what is allowed. */
final class ConfigValidator extends ConfigChecks {

  private final ApiAndOutboxChecks apiAndOutbox = new ApiAndOutboxChecks(problems);
  private final ConsoleChecks console = new ConsoleChecks(problems);

  ConfigValidator() {
    super(new ArrayList<>());
  }

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
    apiAndOutbox.postgres(c.sources().postgres());
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
    apiAndOutbox.api(c);
    console.console(c);
    apiAndOutbox.spool(c);
    problems.addAll(new RedisChecks().check(c));
    new ClusterChecks(problems).check(c);
    return problems;
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
              if (channel.rateLimit() != null) {
                between(key + ".rate-limit", channel.rateLimit(), 1, 10_000_000L);
              }
            });
  }

  /** Hides a password in a URL that could not be parsed, so that it never reaches a log. */
  static String redactedUrl(String url) {
    return url.replaceAll("(//[^/@:]*:)[^@/]*@", "$1***@");
  }
}
