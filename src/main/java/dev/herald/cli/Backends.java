package dev.herald.cli;

import dev.herald.clock.AlignedClock;
import dev.herald.config.HeraldConfig;
import dev.herald.store.StoreUnavailableException;
import dev.herald.store.redis.RedisBackend;
import java.time.Clock;

/** Connects to the target Redis, turning "nothing answers" into a message with a hint. */
final class Backends {

  private Backends() {}

  static RedisBackend connect(HeraldConfig config, RedisTarget target, int poolSize, Clock clock) {
    try {
      return RedisBackend.connect(
          target.endpoint(), config.namespace(), poolSize, CliContext.retention(config), clock);
    } catch (StoreUnavailableException e) {
      throw unavailable(target, e);
    }
  }

  /** Connects and aligns {@code clock} to Redis's, the time base every Herald process shares. */
  static RedisBackend connectAligned(
      HeraldConfig config, RedisTarget target, int poolSize, AlignedClock clock) {
    RedisBackend backend = connect(config, target, poolSize, clock);
    try {
      clock.align(backend.serverInfo()::time);
      return backend;
    } catch (StoreUnavailableException e) {
      backend.close();
      throw unavailable(target, e);
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    }
  }

  private static CliUnavailableException unavailable(RedisTarget target, RuntimeException e) {
    return new CliUnavailableException(e.getMessage() + "\n  hint: " + target.hint(), e);
  }
}
