package dev.herald.daemon;

import dev.herald.backoff.BackoffPolicy;
import dev.herald.backoff.RetryPlanner;
import dev.herald.config.HeraldConfig;
import dev.herald.config.IntakeSettings;
import dev.herald.domain.Channels;
import dev.herald.domain.NotificationValidator;
import dev.herald.intake.IntakeCycle;
import dev.herald.publish.DeadLetterRetention;
import dev.herald.publish.PublishSettings;
import dev.herald.store.IntentStream;
import dev.herald.store.redis.RedisRouteStore.RetentionPolicy;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** The settings Herald's parts read from a config, afresh for every cycle (hot reload). */
final class CycleSettings {

  private CycleSettings() {}

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
        cfg.publisher().batchBytes(),
        cfg.publisher().inlinePublish());
  }

  /** What intake accepts: the channels Herald was started with, payloads up to the limit. */
  static NotificationValidator validator(HeraldConfig cfg, Channels channels) {
    return new NotificationValidator(channels.names(), cfg.intake().maxPayloadBytes());
  }

  static IntakeCycle.Settings intake(HeraldConfig cfg, Channels channels) {
    return new IntakeCycle.Settings(
        cfg.intake().batchSize(),
        cfg.intake().claimIdle(),
        cfg.intake().idempotencyWindow(),
        validator(cfg, channels));
  }

  static DeadLetterRetention deadLetterRetention(HeraldConfig cfg) {
    return new DeadLetterRetention(
        Optional.ofNullable(cfg.deadLetters().maxCount()),
        Optional.ofNullable(cfg.deadLetters().maxAge()));
  }

  /** How long the store keeps what is finished, and how many failures per route. */
  static RetentionPolicy retention(HeraldConfig cfg) {
    return new RetentionPolicy(cfg.retention().published(), cfg.delivery().failureHistory());
  }

  static IntentStream.Names intentNames(HeraldConfig cfg) {
    IntakeSettings in = cfg.intake();
    return new IntentStream.Names(
        in.stream(), in.group(), in.rejectedStream(), in.rejectedMaxLength());
  }
}
