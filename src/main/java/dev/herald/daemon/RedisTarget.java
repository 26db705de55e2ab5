package dev.herald.daemon;

import dev.herald.clock.AlignedClock;
import dev.herald.config.ConfigException;
import dev.herald.config.ConfigLookup;
import dev.herald.config.HeraldConfig;
import dev.herald.config.RedisEndpoint;
import dev.herald.store.StoreUnavailableException;
import dev.herald.store.redis.EmbeddedRedis;
import dev.herald.store.redis.RedisBackend;
import dev.herald.store.redis.RedisKeys;
import java.time.Clock;
import java.util.List;

/**
 * Which Redis a command talks to: {@code redis.url} (or {@code HERALD_REDIS_URL}), else the
 * embedded one at 127.0.0.1:6399 that {@code herald run} starts, but only when the config asks for
 * it ({@code redis.embedded: true}, or no config file at all). A config file with neither is
 * refused: it most likely lost its {@code redis.url}, and a fresh empty Redis in its place would
 * look like a working Herald. The password may come from {@code HERALD_REDIS_PASSWORD}, the
 * sentinels' from {@code HERALD_REDIS_SENTINEL_PASSWORD}. With {@code redis.cluster}, the seed
 * nodes are the Redis.
 */
public record RedisTarget(RedisEndpoint endpoint, boolean embedded) {

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
  public static RedisTarget of(HeraldConfig config) {
    if (config.redis().cluster().configured()) {
      return new RedisTarget(
          RedisEndpoint.ofCluster(
              config.redis(), config.durability(), System.getenv("HERALD_REDIS_PASSWORD")),
          false);
    }
    String url = config.redis().url();
    if (url == null && !config.redis().wantsEmbedded()) {
      throw new ConfigException(null, List.of(NO_REDIS));
    }
    boolean embedded = url == null;
    return new RedisTarget(
        RedisEndpoint.of(
            config.redis(),
            embedded ? EmbeddedRedis.URL : url,
            config.durability(),
            System.getenv("HERALD_REDIS_PASSWORD"),
            System.getenv("HERALD_REDIS_SENTINEL_PASSWORD")),
        embedded);
  }

  /**
   * The Redis streams a configured stream is: itself with one shard, else one per shard (the name
   * plus the shard's hash tag), in shard order. What consumers read; no Redis needed.
   */
  public static List<String> streams(HeraldConfig config, String configured) {
    return RedisKeys.ofShards(config.namespace(), config.shards()).stream()
        .map(k -> k.stream(configured))
        .toList();
  }

  /**
   * Connects to it with the namespace and retention of {@code config}: the one place that opens
   * Herald's Redis.
   *
   * @param poolSize connections kept: one per worker plus a few for wake-ups and housekeeping
   * @throws dev.herald.store.StoreUnavailableException when Redis does not answer
   * @throws dev.herald.store.StoreAccessDeniedException when Redis refuses the credentials or ACL
   */
  RedisBackend connect(HeraldConfig config, int poolSize, Clock clock) {
    RedisBackend backend =
        RedisBackend.connect(
            endpoint,
            config.namespace(),
            config.shards(),
            poolSize,
            CycleSettings.retention(config),
            clock);
    backend.useRateLimits(config.rateLimits());
    backend.useRecipientIndex(config.console().recipientsKept(), config.retention().published());
    return backend;
  }

  /**
   * As {@link #connect}, turning "nothing answers" into a message with a {@link #hint}, and with
   * {@code clock} aligned to Redis's, the time base every Herald process shares: for one-shot
   * commands and benchmarks, which do not wait for Redis.
   */
  public RedisBackend connectAligned(HeraldConfig config, int poolSize, AlignedClock clock) {
    RedisBackend backend = null;
    try {
      backend = connect(config, poolSize, clock);
      clock.align(backend.serverInfo()::time);
      return backend;
    } catch (StoreUnavailableException e) {
      if (backend != null) {
        backend.close();
      }
      throw new StoreUnavailableException(e.getMessage() + "\n  hint: " + hint(), e);
    } catch (RuntimeException e) {
      if (backend != null) {
        backend.close();
      }
      throw e;
    }
  }

  /** What to tell the user when nothing answers there. */
  String hint() {
    return embedded
        ? "Herald looked for its embedded Redis at "
            + EmbeddedRedis.URL
            + " (no config file was found: "
            + ConfigLookup.ORDER
            + "; or redis.embedded: true); start it with `herald run` (in another terminal),"
            + " or name your Redis in a config file"
        : endpoint.cluster() != null
            ? "check that the cluster's nodes answer at "
                + endpoint.cluster().nodes()
                + " and that redis.cluster.nodes is right"
            : "check that Redis runs at " + endpoint.redacted() + " and that redis.url is right";
  }
}
