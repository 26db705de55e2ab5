package dev.herald.store.redis;

import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The hash tag of each shard: for shard {@code i} of {@code n}, the first of {@code i}, {@code
 * i.1}, {@code i.2}, … whose slot lies in the {@code i}-th {@code n}-th of the 16,384 slots. A
 * cluster made with {@code redis-cli --cluster create} gives each master an even run of slots, so
 * the shards start out spread evenly over the masters (names alone, {@code {0}} … {@code {15}},
 * hash where they happen to: 9, 4 and 3 of 16 on three masters is no rarity).
 */
final class ShardTags {

  static final int SLOTS = 16384;

  private ShardTags() {}

  static List<String> of(int shards) {
    List<String> tags = new ArrayList<>(shards);
    for (int i = 0; i < shards; i++) {
      tags.add(tag(i, shards));
    }
    return tags;
  }

  static String tag(int shard, int shards) {
    long from = (long) shard * SLOTS / shards;
    long to = (long) (shard + 1) * SLOTS / shards;
    String candidate = Integer.toString(shard);
    for (int k = 1; !in(slot(candidate), from, to); k++) {
      candidate = shard + "." + k;
    }
    return candidate;
  }

  static int slot(String tag) {
    return JedisClusterCRC16.getSlot(tag);
  }

  private static boolean in(int slot, long from, long to) {
    return slot >= from && slot < to;
  }
}
