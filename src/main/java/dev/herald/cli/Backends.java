package dev.herald.cli;

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
      throw new CliUnavailableException(e.getMessage() + "\n  hint: " + target.hint(), e);
    }
  }
}
