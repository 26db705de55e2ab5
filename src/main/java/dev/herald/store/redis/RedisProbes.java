package dev.herald.store.redis;

import dev.herald.config.RedisEndpoint;
import dev.herald.store.MasterProbe;
import dev.herald.store.ServerProbe;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * The benchmarks' probe of a backend: over the whole namespace (every shard's keys and streams),
 * and on a cluster over every master that serves a shard.
 */
final class RedisProbes {

  private final UnifiedJedis redis;
  private final RedisKeys namespace;
  private final RedisMasters masters;

  RedisProbes(UnifiedJedis redis, List<RedisKeys> shardKeys, RedisEndpoint endpoint) {
    this.redis = redis;
    this.namespace = namespaceOf(shardKeys);
    this.masters =
        new RedisMasters(
            redis,
            shardKeys,
            endpoint.sentinels() == null
                ? endpoint.host() + ":" + endpoint.port()
                : "primary of '" + endpoint.sentinels().master() + "'");
  }

  /**
   * The namespace's own keys, not shard 0's: a clean-up must take every shard's keys. A shard's
   * prefix is {@code <namespace>:{<tag>}:} ({@link RedisKeys#ofShards}).
   */
  static RedisKeys namespaceOf(List<RedisKeys> shardKeys) {
    if (shardKeys.size() == 1) {
      return shardKeys.get(0);
    }
    String prefix = shardKeys.get(0).prefix();
    return new RedisKeys(prefix.substring(0, prefix.lastIndexOf(":{")));
  }

  MasterProbe probe() {
    ServerProbe oneRedis = new RedisServerProbe(redis, namespace);
    ServerProbe server =
        masters.cluster() ? new RedisClusterServerProbe(masters, namespace, oneRedis) : oneRedis;
    return new RedisMasterProbe(redis, masters, server);
  }
}
