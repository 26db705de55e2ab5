package dev.herald.store.redis;

import dev.herald.domain.Shards;
import dev.herald.store.IntentStream;
import dev.herald.store.NotificationStore;
import dev.herald.store.redis.RedisRouteStore.RetentionPolicy;
import dev.herald.store.shards.ShardIntents;
import dev.herald.store.shards.ShardedIntentStreams;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * The intents stream of one Redis, or those of a sharded layout: one per shard, {@code
 * <intake.stream>:{<tag>}}, each read by a consumer of its own, its rejected stream {@code
 * <intake.rejected-stream>:{<tag>}} beside it holding its share of {@code
 * intake.rejected-max-length}.
 */
final class IntentShards {

  private IntentShards() {}

  /**
   * @param redis the intake's own client: one connection per shard, as each blocking read holds one
   * @param notifications every shard's notifications, for effects in another shard
   */
  static IntentStream of(
      UnifiedJedis redis,
      List<RedisKeys> shardKeys,
      Scripts scripts,
      RetentionPolicy retention,
      List<RedisNotificationStore> notificationShards,
      NotificationStore notifications,
      IntentStream.Names names) {
    int count = shardKeys.size();
    if (count == 1) {
      return new RedisIntentStream(
          redis,
          shardKeys.get(0),
          scripts,
          retention,
          notificationShards.get(0).accepts(),
          names,
          null);
    }
    Shards layout = new Shards(count);
    long share = (names.rejectedMaxLength() + count - 1) / count;
    List<IntentStream> parts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      RedisKeys k = shardKeys.get(i);
      IntentStream.Names shardNames =
          new IntentStream.Names(
              k.stream(names.stream()), names.group(), k.stream(names.rejectedStream()), share);
      RedisIntentStream local =
          new RedisIntentStream(
              redis,
              k,
              scripts,
              retention,
              notificationShards.get(i).accepts(),
              shardNames,
              new IntentStream.Shard(shardNames.stream(), i, count));
      parts.add(new ShardIntents(local, notifications, layout, i));
    }
    return new ShardedIntentStreams(names.stream(), parts);
  }
}
