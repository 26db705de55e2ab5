package dev.herald.store.redis;

import dev.herald.domain.Shards;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * What every mover of a migration to shards works between: the one-Redis source and its keys, the
 * sharded target and each shard's keys, and the target's layout (which shard a notification id or
 * an idempotency key belongs to). Built once by {@link RedisShardMigration}.
 */
record MigrationEnds(
    UnifiedJedis source,
    RedisKeys sourceKeys,
    UnifiedJedis target,
    List<RedisKeys> targetKeys,
    Shards layout) {

  static MigrationEnds of(
      UnifiedJedis source, RedisKeys sourceKeys, UnifiedJedis target, List<RedisKeys> targetKeys) {
    return new MigrationEnds(
        source, sourceKeys, target, List.copyOf(targetKeys), new Shards(targetKeys.size()));
  }
}
