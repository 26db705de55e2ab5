package dev.herald.cli;

import dev.herald.config.HeraldConfig;
import dev.herald.config.RedisEndpoint;
import dev.herald.store.redis.EmbeddedRedis;

/**
 * Which Redis a command talks to: {@code redis.url} (or {@code HERALD_REDIS_URL}), else the
 * embedded default that {@code herald run} starts. The password may come from {@code
 * HERALD_REDIS_PASSWORD}.
 */
record RedisTarget(RedisEndpoint endpoint, boolean embedded) {

  static RedisTarget of(HeraldConfig config) {
    String url = config.redis().url();
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
        ? "no redis.url is configured, so Herald looked for its embedded Redis at "
            + EmbeddedRedis.URL
            + "; start it with `herald run` (in another terminal), or set redis.url"
        : "check that Redis runs at " + endpoint.redacted() + " and that redis.url is right";
  }
}
