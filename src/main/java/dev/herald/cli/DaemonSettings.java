package dev.herald.cli;

import dev.herald.backoff.BackoffPolicy;
import dev.herald.backoff.RetryPlanner;
import dev.herald.config.HeraldConfig;
import dev.herald.domain.Channels;
import dev.herald.domain.NotificationValidator;
import dev.herald.intake.IntakeCycle;
import dev.herald.publish.DeadLetterRetention;
import dev.herald.publish.PublishSettings;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** The settings the daemon's parts read from a config, afresh for every cycle (hot reload). */
final class DaemonSettings {

  private DaemonSettings() {}

  /** The publish settings a configuration gives. */
  static PublishSettings publish(HeraldConfig cfg) {
    BackoffPolicy backoff =
        new BackoffPolicy(
            cfg.backoff().initial(),
            cfg.backoff().max(),
            cfg.backoff().multiplier(),
            cfg.backoff().jitter(),
            () -> ThreadLocalRandom.current().nextDouble());
    return new PublishSettings(
        cfg.publisher().batchSize(),
        cfg.publisher().lease(),
        new RetryPlanner(backoff),
        cfg.delivery().maxAttempts(),
        cfg.publisher().batchBytes());
  }

  static IntakeCycle.Settings intake(HeraldConfig cfg, Channels channels) {
    return new IntakeCycle.Settings(
        cfg.intake().batchSize(),
        cfg.intake().claimIdle(),
        cfg.intake().idempotencyWindow(),
        new NotificationValidator(channels.names(), cfg.intake().maxPayloadBytes()));
  }

  static DeadLetterRetention deadLetterRetention(HeraldConfig cfg) {
    return new DeadLetterRetention(
        Optional.ofNullable(cfg.deadLetters().maxCount()),
        Optional.ofNullable(cfg.deadLetters().maxAge()));
  }
}
