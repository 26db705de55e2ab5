package dev.herald.store.redis;

import dev.herald.config.RedisEndpoint;
import dev.herald.store.DeadLetterStore;
import dev.herald.store.NotificationStore;
import dev.herald.store.RouteStore;
import dev.herald.store.StatsStore;
import dev.herald.store.Wakeups;
import dev.herald.store.redis.RedisRouteStore.RetentionPolicy;
import java.time.Clock;
import java.time.Duration;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The Redis side of Herald in one place: a pooled client, the loaded scripts, and the stores built
 * on them. Callers see only the ports.
 */
public final class RedisBackend implements AutoCloseable {

  private final UnifiedJedis redis;
  private final RedisEndpoint endpoint;
  private final RedisKeys keys;
  private final Scripts scripts = new Scripts();
  private final RedisRouteStore routes;
  private final RedisNotificationStore notifications;
  private final RedisWakeups wakeups;
  private final RedisStatsStore stats;
  private final RedisDeadLetterStore deadLetters;

  private RedisBackend(
      UnifiedJedis redis,
      RedisEndpoint endpoint,
      String namespace,
      RetentionPolicy retention,
      Clock clock) {
    this.redis = redis;
    this.endpoint = endpoint;
    this.keys = new RedisKeys(namespace);
    this.routes = new RedisRouteStore(redis, keys, scripts, retention);
    this.notifications = new RedisNotificationStore(redis, keys, scripts);
    this.wakeups = new RedisWakeups(redis, keys, clock);
    this.stats = new RedisStatsStore(redis, keys);
    this.deadLetters = new RedisDeadLetterStore(redis, keys, scripts, retention);
  }

  /**
   * Connects and loads the scripts.
   *
   * @param poolSize connections kept: one per worker plus a few for wake-ups and housekeeping
   * @throws dev.herald.store.StoreUnavailableException when Redis does not answer
   */
  public static RedisBackend connect(
      RedisEndpoint endpoint,
      String namespace,
      int poolSize,
      RetentionPolicy retention,
      Clock clock) {
    int timeout = (int) endpoint.timeout().toMillis();
    DefaultJedisClientConfig.Builder client =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(timeout)
            .socketTimeoutMillis(timeout)
            .database(endpoint.database())
            .ssl(endpoint.ssl())
            .clientName("herald");
    if (endpoint.user() != null) {
      client.user(endpoint.user());
    }
    if (endpoint.password() != null) {
      client.password(endpoint.password());
    }
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(poolSize);
    pool.setMaxIdle(poolSize);
    pool.setMinIdle(0);
    pool.setMaxWait(Duration.ofMillis(timeout));
    pool.setTestWhileIdle(true);
    pool.setTimeBetweenEvictionRuns(Duration.ofSeconds(30));
    UnifiedJedis redis =
        RedisClient.builder()
            .hostAndPort(endpoint.host(), endpoint.port())
            .clientConfig(client.build())
            .poolConfig(pool)
            .build();
    RedisBackend backend = new RedisBackend(redis, endpoint, namespace, retention, clock);
    try {
      RedisErrors.call(
          "loading Herald's Lua scripts into " + endpoint.redacted(),
          () -> {
            backend.scripts.loadAll(redis);
            return null;
          });
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    }
    return backend;
  }

  public RouteStore routes() {
    return routes;
  }

  public NotificationStore notifications() {
    return notifications;
  }

  public Wakeups wakeups() {
    return wakeups;
  }

  public StatsStore stats() {
    return stats;
  }

  public DeadLetterStore deadLetters() {
    return deadLetters;
  }

  public RedisEndpoint endpoint() {
    return endpoint;
  }

  /** Round trip to Redis; throws {@link dev.herald.store.StoreUnavailableException} if none. */
  public void ping() {
    RedisErrors.call("pinging " + endpoint.redacted(), redis::ping);
  }

  @Override
  public void close() {
    redis.close();
  }
}
