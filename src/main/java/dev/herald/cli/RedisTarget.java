package dev.herald.cli;

import dev.herald.config.ConfigException;
import dev.herald.config.HeraldConfig;
import dev.herald.config.RedisEndpoint;
import dev.herald.store.redis.EmbeddedRedis;
import java.util.List;

/**
 * Which Redis a command talks to: {@code redis.url} (or {@code HERALD_REDIS_URL}), else the
 * embedded one at 127.0.0.1:6399 that {@code herald run} starts, but only when the config asks for
 * it ({@code redis.embedded: true}, or no config file at all). A config file with neither is
 * refused: it most likely lost its {@code redis.url}, and a fresh empty Redis in its place would
 * look like a working Herald. The password may come from {@code HERALD_REDIS_PASSWORD}.
 */
record RedisTarget(RedisEndpoint endpoint, boolean embedded) {

  static final String NO_REDIS =
      "redis.url is not set: name the Redis Herald should use (redis.url, or HERALD_REDIS_URL),"
          + " or set redis.embedded: true to run on the embedded Redis at "
          + EmbeddedRedis.HOST
          + ":"
          + EmbeddedRedis.PORT
          + " (for trials)";

  /**
   * @throws ConfigException when the config names no Redis and does not ask for the embedded one
   */
  static RedisTarget of(HeraldConfig config) {
    String url = config.redis().url();
    if (url == null && !config.redis().wantsEmbedded()) {
      throw new ConfigException(null, List.of(NO_REDIS));
    }
    boolean embedded = url == null;
    return new RedisTarget(
        RedisEndpoint.parse(
            embedded ? EmbeddedRedis.URL : url,
            System.getenv("HERALD_REDIS_PASSWORD"),
            config.redis().timeout()),
        embedded);
  }

  /** What to tell the user when nothing answers there. */
  String hint() {
    return embedded
        ? "Herald looked for its embedded Redis at "
            + EmbeddedRedis.URL
            + " (no config file, or redis.embedded: true); start it with `herald run` (in another"
            + " terminal), or set redis.url"
        : "check that Redis runs at " + endpoint.redacted() + " and that redis.url is right";
  }
}
