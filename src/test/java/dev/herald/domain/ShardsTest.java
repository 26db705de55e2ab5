package dev.herald.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShardsTest {

  private static final Instant T = Instant.parse("2026-11-25T12:00:00Z");

  @Test
  void with_one_shard_ids_are_exactly_those_of_the_unsharded_generator() {
    NotificationIds plain = new NotificationIds(new Random(42));
    NotificationIds one = new NotificationIds(new Random(42), Shards.ONE);
    for (int i = 0; i < 2_000; i++) {
      Instant at = T.plusMillis(i / 7);
      assertThat(one.nextFor(at, "p", i % 2 == 0 ? "k-" + i : null)).isEqualTo(plain.next(at));
    }
  }

  @Test
  void a_sharded_id_names_its_shard_and_ids_without_a_key_take_the_shards_in_turn() {
    Shards shards = new Shards(16);
    NotificationIds ids = new NotificationIds(new Random(3), shards);
    int[] perShard = new int[16];
    for (int i = 0; i < 1_600; i++) {
      String id = ids.next(T);
      assertThat(NotificationIds.isId(id)).isTrue();
      assertThat(shards.ofId(id)).isEqualTo(i % 16);
      perShard[shards.ofId(id)]++;
    }
    assertThat(perShard).containsOnly(100);
  }

  @Test
  void an_id_with_an_idempotency_key_is_made_in_the_keys_shard() {
    Shards shards = new Shards(16);
    NotificationIds ids = new NotificationIds(new Random(5), shards);
    for (int i = 0; i < 500; i++) {
      String key = "turn-" + i;
      String id = ids.nextFor(T, "game-engine", key);
      assertThat(shards.ofId(id)).isEqualTo(shards.ofIdempotencyKey("game-engine", key));
    }
    // The producer's length comes first, as in the key's name: a:b + c is not a + b:c.
    assertThat(List.of(shards.ofIdempotencyKey("a:b", "c"), shards.ofIdempotencyKey("a", "b:c")))
        .doesNotHaveDuplicates();
  }

  @Test
  void idempotency_keys_spread_over_the_shards() {
    Shards shards = new Shards(16);
    int[] perShard = new int[16];
    for (int i = 0; i < 160_000; i++) {
      perShard[shards.ofIdempotencyKey("shop", "order-" + i)]++;
    }
    for (int n : perShard) {
      assertThat(n).isBetween(9_500, 10_500);
    }
  }

  @Test
  void sharded_ids_made_within_one_millisecond_still_sort_in_the_order_they_were_made() {
    NotificationIds ids = new NotificationIds(new Random(7), new Shards(16));
    List<String> made = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      made.add(ids.nextFor(T, "p", i % 3 == 0 ? "k" + i : null));
    }
    made.add(ids.next(T.minusMillis(5)));
    assertThat(made).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void the_shard_of_an_id_is_read_without_regard_to_case() {
    Shards shards = new Shards(7);
    String id = new NotificationIds(new Random(9), shards).next(T);
    assertThat(shards.ofId(id.toLowerCase(java.util.Locale.ROOT))).isEqualTo(shards.ofId(id));
  }

  @Test
  void refuses_a_count_outside_1_to_1024() {
    assertThatThrownBy(() -> new Shards(0)).hasMessageContaining("between 1 and 1024 (was 0)");
    assertThatThrownBy(() -> new Shards(1025)).hasMessageContaining("(was 1025)");
  }
}
