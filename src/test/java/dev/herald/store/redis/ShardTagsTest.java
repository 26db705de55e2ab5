package dev.herald.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShardTagsTest {

  @Test
  void each_shards_tag_hashes_into_its_own_part_of_the_slots() {
    for (int shards : new int[] {2, 3, 16, 100, 1024}) {
      List<String> tags = ShardTags.of(shards);
      assertThat(tags).hasSize(shards).doesNotHaveDuplicates();
      for (int i = 0; i < shards; i++) {
        int slot = ShardTags.slot(tags.get(i));
        assertThat(slot)
            .as("shard %d of %d, tag %s", i, shards, tags.get(i))
            .isGreaterThanOrEqualTo(i * ShardTags.SLOTS / shards)
            .isLessThan((i + 1) * ShardTags.SLOTS / shards);
      }
    }
  }

  @Test
  void sixteen_shards_fall_five_five_and_six_on_three_evenly_split_masters() {
    int[] perMaster = new int[3];
    for (String tag : ShardTags.of(16)) {
      int slot = ShardTags.slot(tag);
      // redis-cli --cluster create gives three masters 0-5460, 5461-10922, 10923-16383.
      perMaster[slot <= 5460 ? 0 : slot <= 10922 ? 1 : 2]++;
    }
    assertThat(perMaster).containsExactlyInAnyOrder(5, 5, 6);
  }

  @Test
  void a_shards_keys_and_streams_share_its_tags_slot() {
    RedisKeys keys = RedisKeys.ofShards("herald", 16).get(7);
    String tag = ShardTags.tag(7, 16);
    assertThat(keys.schedule()).isEqualTo("herald:{" + tag + "}:schedule");
    assertThat(keys.stream("gateway:client-events"))
        .isEqualTo("gateway:client-events:{" + tag + "}");
    assertThat(RedisKeys.ofShards("herald", 1).get(0).stream("gateway:client-events"))
        .isEqualTo("gateway:client-events");
    assertThat(RedisKeys.ofShards("herald", 1).get(0).schedule()).isEqualTo("herald:schedule");
  }
}
