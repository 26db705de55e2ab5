package dev.herald.store.redis;

import dev.herald.config.RedisEndpoint;
import dev.herald.config.RedisEndpoint.Sentinels;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.providers.SentineledConnectionProvider;
import redis.clients.jedis.util.Delay;

/**
 * Makes the pooled clients of a backend: to the one server {@code redis.url} names, or to the
 * primary the sentinels name, moving with each failover (Jedis's own Sentinel support), or to the
 * masters of a Redis Cluster, with TLS as {@code redis.tls} says.
 */
final class RedisClients {

  /** How soon a lost sentinel connection is tried again: a failover must not go unheard long. */
  private static final Delay SENTINEL_RECONNECT = Delay.constant(Duration.ofMillis(500));

  /** Tries of one command on a cluster (redirections and reconnects) before it counts as failed. */
  static final int CLUSTER_ATTEMPTS = 5;

  /** How often a cluster client reads the slots again without being told by a {@code MOVED}. */
  private static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(5);

  private RedisClients() {}

  /**
   * A pooled client; {@code socketTimeout} bounds how long one command may take.
   *
   * @throws redis.clients.jedis.exceptions.JedisException when no sentinel answers, or none knows
   *     the master name
   */
  static UnifiedJedis open(
      RedisEndpoint endpoint,
      int poolSize,
      Duration socketTimeout,
      String clientName,
      FailoverLog failovers) {
    JedisClientConfig client = primaryConfig(endpoint, socketTimeout, clientName);
    ConnectionPoolConfig pool = pool(poolSize, endpoint.timeout());
    if (endpoint.cluster() != null) {
      return cluster(endpoint, client, pool);
    }
    Sentinels sentinels = endpoint.sentinels();
    if (sentinels == null) {
      return RedisClient.builder()
          .hostAndPort(endpoint.host(), endpoint.port())
          .clientConfig(client)
          .poolConfig(pool)
          .build();
    }
    Set<HostAndPort> nodes = new LinkedHashSet<>();
    sentinels.nodes().forEach(n -> nodes.add(new HostAndPort(n.host(), n.port())));
    JedisClientConfig sentinelConfig = sentinelConfig(endpoint);
    SentineledConnectionProvider provider =
        new SentineledConnectionProvider(
            sentinels.master(), client, pool, nodes, sentinelConfig, SENTINEL_RECONNECT);
    return RedisSentinelClient.builder()
        .masterName(sentinels.master())
        .sentinels(nodes)
        .clientConfig(client)
        .sentinelClientConfig(sentinelConfig)
        .connectionProvider(new FollowingProvider(provider, failovers))
        .build();
  }

  /**
   * A client of a Redis Cluster: a pool per master, the slots learnt from the first seed node that
   * answers and learnt again on each {@code MOVED}; {@code ASK}, {@code TRYAGAIN} and a failed
   * connection are tried again within {@link #CLUSTER_ATTEMPTS} attempts and the command timeout,
   * after which the caller's loop backs off as for any outage.
   */
  private static UnifiedJedis cluster(
      RedisEndpoint endpoint, JedisClientConfig client, ConnectionPoolConfig pool) {
    Set<HostAndPort> nodes = new LinkedHashSet<>();
    endpoint.cluster().nodes().forEach(n -> nodes.add(new HostAndPort(n.host(), n.port())));
    return RedisClusterClient.builder()
        .nodes(nodes)
        .clientConfig(client)
        .poolConfig(pool)
        .maxAttempts(CLUSTER_ATTEMPTS)
        .maxTotalRetriesDuration(endpoint.timeout().multipliedBy(2))
        .topologyRefreshPeriod(TOPOLOGY_REFRESH)
        .build();
  }

  static JedisClientConfig primaryConfig(
      RedisEndpoint endpoint, Duration socketTimeout, String clientName) {
    DefaultJedisClientConfig.Builder client =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis((int) endpoint.timeout().toMillis())
            .socketTimeoutMillis((int) socketTimeout.toMillis())
            .database(endpoint.database())
            .clientName(clientName);
    if (endpoint.ssl()) {
      client.ssl(true).sslOptions(TlsOptions.of(endpoint.tls(), "redis.tls"));
    }
    if (endpoint.user() != null) {
      client.user(endpoint.user());
    }
    if (endpoint.password() != null) {
      client.password(endpoint.password());
    }
    return client.build();
  }

  static JedisClientConfig sentinelConfig(RedisEndpoint endpoint) {
    Sentinels sentinels = endpoint.sentinels();
    int timeout = (int) endpoint.timeout().toMillis();
    DefaultJedisClientConfig.Builder config =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(timeout)
            .socketTimeoutMillis(timeout);
    if (sentinels.ssl()) {
      config.ssl(true).sslOptions(TlsOptions.of(sentinels.tls(), "redis.sentinel.tls"));
    }
    if (sentinels.user() != null) {
      config.user(sentinels.user());
    }
    if (sentinels.password() != null) {
      config.password(sentinels.password());
    }
    return config.build();
  }

  private static ConnectionPoolConfig pool(int poolSize, Duration timeout) {
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(poolSize);
    pool.setMaxIdle(poolSize);
    pool.setMinIdle(0);
    pool.setMaxWait(timeout);
    pool.setTestWhileIdle(true);
    pool.setTimeBetweenEvictionRuns(Duration.ofSeconds(30));
    return pool;
  }
}
