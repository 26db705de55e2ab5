package dev.herald.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedisProbesTest {

  @Test
  void the_namespace_of_shards_is_their_prefix_without_the_hash_tag() {
    assertThat(RedisProbes.namespaceOf(RedisKeys.ofShards("herald:prod", 16)).prefix())
        .isEqualTo("herald:prod:");
    assertThat(RedisProbes.namespaceOf(RedisKeys.ofShards("herald:prod", 1)).prefix())
        .isEqualTo("herald:prod:");
  }
}
