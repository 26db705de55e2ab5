package dev.herald.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NotificationIdsTest {

  @Test
  void ids_are_26_characters_sort_by_time_and_do_not_repeat() {
    NotificationIds ids = new NotificationIds(new Random(42));
    Instant t = Instant.parse("2026-11-25T12:00:00Z");
    String earlier = ids.next(t);
    String later = ids.next(t.plusMillis(1));
    assertThat(earlier).hasSize(26).matches("[0-9A-HJKMNP-TV-Z]{26}");
    assertThat(earlier.compareTo(later)).isNegative();
    assertThat(NotificationIds.isId(earlier)).isTrue();
    assertThat(NotificationIds.isId("not-an-id")).isFalse();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      assertThat(seen.add(ids.next(t))).isTrue();
    }
  }

  @Test
  void the_time_part_encodes_the_milliseconds() {
    // 2026-11-25T12:00:00Z = 1795608000000 ms; ULID time part is 10 base32 characters.
    String id = new NotificationIds(new Random(1)).next(Instant.ofEpochMilli(1795608000000L));
    long decoded = 0;
    String alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    for (int i = 0; i < 10; i++) {
      decoded = decoded * 32 + alphabet.indexOf(id.charAt(i));
    }
    assertThat(decoded).isEqualTo(1795608000000L);
    assertThat(NotificationIds.timeOf(id)).isEqualTo(1795608000000L);
    assertThat(NotificationIds.timeOf(id.toLowerCase())).isEqualTo(1795608000000L);
  }

  @Test
  void ids_made_within_one_millisecond_sort_in_the_order_they_were_made() {
    NotificationIds ids = new NotificationIds(new Random(7));
    Instant t = Instant.parse("2026-11-25T12:00:00Z");
    List<String> made = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      made.add(ids.next(t));
    }
    made.add(ids.next(t.minusMillis(5))); // the clock stepped back: still after the others
    assertThat(made).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void a_random_part_used_up_within_one_millisecond_moves_on_to_the_next() {
    // Random(...) whose first two longs are all ones in their low 40 bits is hard to find, so start
    // from the edge through the arithmetic: 2^40 - 1 in both halves, then one more id.
    NotificationIds ids =
        new NotificationIds(
            new Random() {
              @Override
              public long nextLong() {
                return -1L;
              }
            });
    Instant t = Instant.parse("2026-11-25T12:00:00Z");
    String last = ids.next(t);
    String next = ids.next(t);
    assertThat(last.substring(10)).isEqualTo("ZZZZZZZZZZZZZZZZ");
    assertThat(next.compareTo(last)).isPositive();
    assertThat(next.substring(0, 10)).isNotEqualTo(last.substring(0, 10));
  }

  @Test
  void a_derived_id_is_the_same_for_the_same_source_and_part_and_keeps_the_source_time() {
    String source = "01M8RFSBZ933MA2MMVK15A5MCS";
    String id = NotificationIds.derived(source, "sms:u-179");
    assertThat(NotificationIds.isId(id)).isTrue();
    assertThat(id).hasSize(26).startsWith("01M8RFSBZ9").isNotEqualTo(source);
    assertThat(NotificationIds.derived(source.toLowerCase(), "sms:u-179")).isEqualTo(id);
    assertThat(NotificationIds.derived(source, "sms:u-178")).isNotEqualTo(id);
  }

  @Test
  void a_derived_id_for_shards_is_in_the_sources_shard_whatever_the_shard_count() {
    String source = "01M8RFSBZ933MA2MMVK15A5MCS";
    String id = NotificationIds.derivedInShardOf(source, "sms:u-179");
    assertThat(id).startsWith(NotificationIds.derived(source, "sms:u-179").substring(0, 24));
    assertThat(id).endsWith("CS").isNotEqualTo(source);
    for (int count : new int[] {2, 16, 1024}) {
      Shards shards = new Shards(count);
      assertThat(shards.ofId(id)).isEqualTo(shards.ofId(source));
    }
  }
}
