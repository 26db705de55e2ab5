package dev.herald.store.redis;

import dev.herald.config.ConfigException;
import dev.herald.config.RedisEndpoint;
import dev.herald.domain.Shards;
import dev.herald.store.BreakerBoard;
import dev.herald.store.ChannelControls;
import dev.herald.store.DeadLetterStore;
import dev.herald.store.IntentStream;
import dev.herald.store.MasterProbe;
import dev.herald.store.NotificationStore;
import dev.herald.store.PrimaryStatus;
import dev.herald.store.ProcessBoard;
import dev.herald.store.RecipientIndex;
import dev.herald.store.RouteStore;
import dev.herald.store.ServerInfo;
import dev.herald.store.StatsStore;
import dev.herald.store.Wakeups;
import dev.herald.store.redis.RedisRouteStore.RetentionPolicy;
import dev.herald.store.shards.ShardedChannelControls;
import dev.herald.store.shards.ShardedDeadLetterStore;
import dev.herald.store.shards.ShardedNotificationStore;
import dev.herald.store.shards.ShardedRecipientIndex;
import dev.herald.store.shards.ShardedRouteStore;
import dev.herald.store.shards.ShardedStatsStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The Redis side of Herald in one place: a pooled client, the loaded scripts, and the stores built
 * on them. Callers see only the ports.
 */
public final class RedisBackend implements AutoCloseable {

  private final UnifiedJedis redis;
  private final RedisEndpoint endpoint;
  private final RedisKeys keys;
  private final List<RedisKeys> shardKeys;
  private final Scripts scripts;
  private final ReplicaAcks acks;
  private final FailoverLog failovers;
  private final RouteStore routes;
  private final NotificationStore notifications;
  private final List<RedisNotificationStore> notificationShards = new ArrayList<>();
  private final RedisWakeups wakeups;
  private final StatsStore stats;
  private final RetentionPolicy retention;
  private final List<UnifiedJedis> intentClients = new ArrayList<>();
  private final DeadLetterStore deadLetters;
  private final RedisBreakerBoard breakers;
  private final ChannelControls channelControls;
  private final List<RedisRouteStore> routeShards = new ArrayList<>();
  private final RedisRateTokens rateTokens;
  private final RedisProcessBoard processes;
  private final BackendPrimary primaryStatus;

  private RedisBackend(
      RedisEndpoint endpoint,
      int poolSize,
      String namespace,
      int shardCount,
      RetentionPolicy retention,
      Clock clock) {
    this.endpoint = endpoint;
    Shards layout = new Shards(shardCount);
    this.shardKeys = RedisKeys.ofShards(namespace, layout.count());
    this.keys = shardKeys.get(0);
    this.acks = new ReplicaAcks(endpoint.durability(), keys.stats());
    this.scripts = new Scripts(acks);
    this.failovers =
        new FailoverLog(
            endpoint.sentinels() == null ? null : endpoint.sentinels().master(),
            endpoint.sentinels() == null ? endpoint.host() + ":" + endpoint.port() : null);
    this.primaryStatus = new BackendPrimary(failovers, acks, endpoint);
    this.redis = open(endpoint, poolSize, commandTimeout(endpoint), "herald", failovers);
    this.retention = retention;
    this.rateTokens = new RedisRateTokens(redis, keys, scripts);
    List<RedisStatsStore> statsShards = new ArrayList<>();
    List<RedisDeadLetterStore> deadShards = new ArrayList<>();
    List<RedisChannelControls> controlShards = new ArrayList<>();
    StoredFormat format = new StoredFormat(); // the heartbeats decide it, every store writes it
    for (RedisKeys k : shardKeys) {
      controlShards.add(new RedisChannelControls(redis, k));
      routeShards.add(new RedisRouteStore(redis, k, scripts, retention, format));
      notificationShards.add(new RedisNotificationStore(redis, k, scripts, retention, format));
      statsShards.add(new RedisStatsStore(redis, k));
      deadShards.add(new RedisDeadLetterStore(redis, k, scripts, retention, format));
    }
    if (layout.count() == 1) {
      this.routes = routeShards.get(0);
      this.notifications = notificationShards.get(0);
      this.stats = statsShards.get(0);
      this.deadLetters = deadShards.get(0);
      this.channelControls = controlShards.get(0);
    } else {
      this.routes = new ShardedRouteStore(routeShards, layout, rateTokens);
      this.notifications = new ShardedNotificationStore(notificationShards, layout);
      this.stats = new ShardedStatsStore(statsShards);
      this.deadLetters = new ShardedDeadLetterStore(deadShards, layout);
      this.channelControls = new ShardedChannelControls(controlShards);
    }
    this.wakeups =
        new RedisWakeups(redis, shardKeys.stream().map(RedisKeys::wakeupChannel).toList(), clock);
    this.breakers = new RedisBreakerBoard(redis, keys, scripts);
    this.processes = new RedisProcessBoard(redis, keys, scripts, format);
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
    return connect(endpoint, namespace, 1, poolSize, retention, clock);
  }

  /**
   * As {@link #connect(RedisEndpoint, String, int, RetentionPolicy, Clock)}, the keys split into
   * {@code shards} shards, each under a hash tag of its own (1: the one-Redis layout).
   */
  public static RedisBackend connect(
      RedisEndpoint endpoint,
      String namespace,
      int shards,
      int poolSize,
      RetentionPolicy retention,
      Clock clock) {
    RedisBackend backend =
        new RedisBackend(endpoint, poolSize, namespace, shards, retention, clock);
    UnifiedJedis redis = backend.redis;
    try {
      // A small command first: Redis 7 drops an unauthenticated connection that sends a large
      // request (the scripts) with a bare "Broken pipe", where a PING gets a clear NOAUTH.
      try {
        redis.ping();
      } catch (JedisException e) {
        throw StartFailures.translate(endpoint, "connecting to " + endpoint.redacted(), e);
      }
      RedisErrors.call(
          "loading Herald's Lua scripts into " + endpoint.redacted(),
          () -> {
            backend.scripts.loadAll(
                redis, backend.shardKeys.stream().map(RedisKeys::schedule).toList());
            return null;
          });
      // No heartbeat needed to write what the store already decided (CLI commands keep none).
      backend.processes.takeStoredDecision();
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    }
    return backend;
  }

  /** How long one command may take: {@code redis.timeout}, plus the WAIT after a batch. */
  private static Duration commandTimeout(RedisEndpoint endpoint) {
    return endpoint.durability().waits()
        ? endpoint.timeout().plus(endpoint.durability().replicaTimeout())
        : endpoint.timeout();
  }

  /**
   * A pooled client. A TLS handshake that fails for a reason of the config (the CA, the host name,
   * the client certificate) and a master name no sentinel knows end the start (exit 78) instead of
   * being retried; no sentinel answering is an outage like any other.
   */
  private static UnifiedJedis open(
      RedisEndpoint endpoint,
      int poolSize,
      Duration socketTimeout,
      String clientName,
      FailoverLog failovers) {
    try {
      return RedisClients.open(endpoint, poolSize, socketTimeout, clientName, failovers);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(null, List.of(e.getMessage()));
    } catch (JedisException e) {
      throw StartFailures.translate(endpoint, "connecting to " + endpoint.redacted(), e);
    }
  }

  /**
   * The intents stream, on a connection of its own so that its blocking reads never hold one of the
   * publisher's; closed with this backend.
   *
   * @param longestBlock the longest {@link IntentStream#read} block the caller will ask for
   */
  public synchronized IntentStream intents(IntentStream.Names names, Duration longestBlock) {
    Duration timeout = commandTimeout(endpoint).plus(longestBlock);
    UnifiedJedis own = open(endpoint, shardKeys.size(), timeout, "herald-intake", failovers);
    intentClients.add(own);
    return IntentShards.of(
        own, shardKeys, scripts, retention, notificationShards, notifications, names);
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

  /** Server figures for benchmarks, over the whole namespace and on every master. */
  public MasterProbe probe() {
    return new RedisProbes(redis, shardKeys, endpoint).probe();
  }

  public DeadLetterStore deadLetters() {
    return deadLetters;
  }

  /** The stream breakers each Herald process reports open. */
  public BreakerBoard breakers() {
    return breakers;
  }

  /** The operator's pauses and rate limits of channels, which every claim obeys. */
  public ChannelControls channelControls() {
    return channelControls;
  }

  /**
   * The config's rate limits by channel (routes/s across every process), for this backend's claims;
   * a limit an operator set in Redis wins over them.
   */
  public void useRateLimits(Map<String, Long> perChannel) {
    routeShards.forEach(shard -> shard.useRateLimits(perChannel));
    rateTokens.useRateLimits(perChannel);
  }

  /** Accepts keep the recipient index: {@code max} per recipient (0: off), for {@code keep}. */
  public void useRecipientIndex(int max, Duration keep) {
    notificationShards.forEach(shard -> shard.recipients().use(max, keep));
  }

  /** The notifications by recipient (gathered from every shard). */
  public RecipientIndex recipients() {
    List<RedisRecipientIndex> shards =
        notificationShards.stream().map(RedisNotificationStore::recipients).toList();
    return shards.size() == 1 ? shards.get(0) : new ShardedRecipientIndex(shards);
  }

  /** The heartbeats of the running Herald processes. */
  public ProcessBoard processes() {
    return processes;
  }

  public RedisEndpoint endpoint() {
    return endpoint;
  }

  /**
   * Round trip to Redis; throws {@link dev.herald.store.StoreUnavailableException} if none.
   *
   * @return who answered: {@code primary host:port} (and the master name, under Sentinel)
   */
  public String ping() {
    RedisErrors.call("pinging " + endpoint.redacted(), redis::ping);
    return primaryStatus.describe();
  }

  /** Where the store writes now, the failovers followed and the batches replicas did not ack. */
  public PrimaryStatus primary() {
    return primaryStatus;
  }

  @Override
  public synchronized void close() {
    intentClients.forEach(UnifiedJedis::close);
    redis.close();
  }
}
