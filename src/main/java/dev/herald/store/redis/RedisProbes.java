package dev.herald.store.redis;

import dev.herald.config.RedisEndpoint;
import dev.herald.store.MasterProbe;
import dev.herald.store.ServerProbe;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * The benchmarks' probes of a backend: over the whole namespace (every shard's keys and streams),
 * and on a cluster over every master that serves a shard.
 */
final class RedisProbes {

  private final UnifiedJedis redis;
  private final RedisKeys namespace;
  private final RedisMasters masters;

  RedisProbes(
      UnifiedJedis redis, String namespace, List<RedisKeys> shardKeys, RedisEndpoint endpoint) {
    this.redis = redis;
    // The namespace's own prefix, not shard 0's: a clean-up must take every shard's keys.
    this.namespace = new RedisKeys(namespace);
    this.masters =
        new RedisMasters(
            redis,
            shardKeys,
            endpoint.sentinels() == null
                ? endpoint.host() + ":" + endpoint.port()
                : "primary of '" + endpoint.sentinels().master() + "'");
  }

  ServerProbe server() {
    RedisServerProbe oneRedis = new RedisServerProbe(redis, namespace);
    return masters.cluster() ? new RedisClusterServerProbe(masters, namespace, oneRedis) : oneRedis;
  }

  MasterProbe masters() {
    return new RedisMasterProbe(redis, masters);
  }
}
