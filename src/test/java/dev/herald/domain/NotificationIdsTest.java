package dev.herald.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
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
  }
}
