package dev.herald.store.redis;

import dev.herald.config.RedisEndpoint;
import dev.herald.store.BreakerBoard;
import dev.herald.store.DeadLetterStore;
import dev.herald.store.IntentStream;
import dev.herald.store.NotificationStore;
import dev.herald.store.RouteStore;
import dev.herald.store.ServerInfo;
import dev.herald.store.ServerProbe;
import dev.herald.store.StatsStore;
import dev.herald.store.Wakeups;
import dev.herald.store.redis.RedisRouteStore.RetentionPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
  private final RetentionPolicy retention;
  private final List<UnifiedJedis> intentClients = new ArrayList<>();
  private final RedisDeadLetterStore deadLetters;
  private final RedisBreakerBoard breakers;

  private RedisBackend(
      UnifiedJedis redis,
      RedisEndpoint endpoint,
      String namespace,
      RetentionPolicy retention,
      Clock clock) {
    this.redis = redis;
    this.endpoint = endpoint;
    this.keys = new RedisKeys(namespace);
    this.retention = retention;
    this.routes = new RedisRouteStore(redis, keys, scripts, retention);
    this.notifications = new RedisNotificationStore(redis, keys, scripts, retention);
    this.wakeups = new RedisWakeups(redis, keys, clock);
    this.stats = new RedisStatsStore(redis, keys);
    this.deadLetters = new RedisDeadLetterStore(redis, keys, scripts, retention);
    this.breakers = new RedisBreakerBoard(redis, keys, scripts);
  }

  /**
   * Connects, checks that Redis lets us in, and loads the scripts.
   *
   * @param poolSize connections kept: one per worker plus a few for wake-ups and housekeeping
   * @throws dev.herald.store.StoreUnavailableException when Redis does not answer
   * @throws dev.herald.store.StoreAccessDeniedException when Redis refuses the credentials, or the
   *     ACL user may not run what Herald needs
   */
  public static RedisBackend connect(
      RedisEndpoint endpoint,
      String namespace,
      int poolSize,
      RetentionPolicy retention,
      Clock clock) {
    UnifiedJedis redis = client(endpoint, poolSize, endpoint.timeout(), "herald");
    RedisBackend backend = new RedisBackend(redis, endpoint, namespace, retention, clock);
    try {
      // A small command first: Redis 7 drops an unauthenticated connection that sends a large
      // request (the scripts) with a bare "Broken pipe", where a PING gets a clear NOAUTH.
      RedisErrors.call("connecting to " + endpoint.redacted(), redis::ping);
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

  /** A pooled client; {@code socketTimeout} bounds how long one command may take. */
  private static UnifiedJedis client(
      RedisEndpoint endpoint, int poolSize, Duration socketTimeout, String clientName) {
    int timeout = (int) endpoint.timeout().toMillis();
    DefaultJedisClientConfig.Builder client =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(timeout)
            .socketTimeoutMillis((int) socketTimeout.toMillis())
            .database(endpoint.database())
            .ssl(endpoint.ssl())
            .clientName(clientName);
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
    return RedisClient.builder()
        .hostAndPort(endpoint.host(), endpoint.port())
        .clientConfig(client.build())
        .poolConfig(pool)
        .build();
  }

  /**
   * The intents stream, on a connection of its own so that its blocking reads never hold one of the
   * publisher's; closed with this backend.
   *
   * @param longestBlock the longest {@link IntentStream#read} block the caller will ask for
   */
  public synchronized IntentStream intents(IntentStream.Names names, Duration longestBlock) {
    UnifiedJedis own = client(endpoint, 1, endpoint.timeout().plus(longestBlock), "herald-intake");
    intentClients.add(own);
    return new RedisIntentStream(own, keys, scripts, retention, notifications, names);
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

  /** Redis's clock and eviction policy: what the daemon checks at start and keeps watching. */
  public ServerInfo serverInfo() {
    return new RedisServerInfo(redis);
  }

  /** Server figures for benchmarks. */
  public ServerProbe probe() {
    return new RedisServerProbe(redis, keys);
  }

  public DeadLetterStore deadLetters() {
    return deadLetters;
  }

  /** The stream breakers each Herald process reports open. */
  public BreakerBoard breakers() {
    return breakers;
  }

  public RedisEndpoint endpoint() {
    return endpoint;
  }

  /** Round trip to Redis; throws {@link dev.herald.store.StoreUnavailableException} if none. */
  public void ping() {
    RedisErrors.call("pinging " + endpoint.redacted(), redis::ping);
  }

  @Override
  public synchronized void close() {
    intentClients.forEach(UnifiedJedis::close);
    redis.close();
  }
}
