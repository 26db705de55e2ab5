package dev.herald.cli;

import dev.herald.clock.AlignedClock;
import dev.herald.config.HeraldConfig;
import dev.herald.config.IntakeSettings;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationValidator;
import dev.herald.intake.Intake;
import dev.herald.store.IntentStream;
import dev.herald.store.redis.RedisBackend;
import dev.herald.store.redis.RedisRouteStore.RetentionPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * What a one-shot command needs: the config, a connection to the same store the daemon uses, and
 * the same time base (Redis's clock), so that {@code now} means the same on every host: a {@code
 * --older-than 7d} or a {@code submit}'s idempotency window is not cut short by a host clock that
 * runs ahead.
 */
final class CliContext implements AutoCloseable {

  private final HeraldConfig config;
  private final RedisTarget target;
  private final AlignedClock clock;
  private RedisBackend backend;

  /**
   * @param hostClock this host's clock: only compared with Redis's
   */
  CliContext(HeraldConfig config, Clock hostClock) {
    this.config = config;
    this.target = RedisTarget.of(config);
    this.clock = new AlignedClock(hostClock, System::nanoTime);
  }

  static CliContext open(ConfigOption option) {
    return new CliContext(option.load(), Clock.systemUTC());
  }

  HeraldConfig config() {
    return config;
  }

  RedisTarget target() {
    return target;
  }

  /** Redis's time, measured once when the command connects (connecting first if need be). */
  Clock clock() {
    backend();
    return clock;
  }

  /** This host's clock minus Redis's, as measured when the command connected. */
  Optional<Duration> clockOffset() {
    backend();
    return clock.offset();
  }

  /**
   * Connects on first use; throws {@link CliUnavailableException} with a hint if nothing answers.
   */
  RedisBackend backend() {
    if (backend == null) {
      backend = Backends.connectAligned(config, target, 2, clock);
    }
    return backend;
  }

  Intake intake() {
    return new Intake(
        backend().notifications(),
        () ->
            new NotificationValidator(config.channels().names(), config.intake().maxPayloadBytes()),
        new NotificationIds(),
        clock(),
        () -> config.intake().idempotencyWindow());
  }

  /** The intents stream of the config, on a connection of its own. */
  IntentStream intents() {
    return backend().intents(intentNames(config), Duration.ZERO);
  }

  static IntentStream.Names intentNames(HeraldConfig config) {
    IntakeSettings in = config.intake();
    return new IntentStream.Names(
        in.stream(), in.group(), in.rejectedStream(), in.rejectedMaxLength());
  }

  static RetentionPolicy retention(HeraldConfig config) {
    return new RetentionPolicy(config.retention().published(), config.delivery().failureHistory());
  }

  @Override
  public void close() {
    if (backend != null) {
      backend.close();
    }
  }
}
