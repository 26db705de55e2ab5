package dev.herald.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SourceNamesTest {

  @Test
  void a_plain_database_name_is_used_as_it_is() {
    assertThat(SourceNames.of("shop", "herald_outbox")).isEqualTo("shop.herald_outbox");
  }

  @Test
  void a_database_name_a_key_cannot_hold_is_replaced_by_a_stable_hash() {
    String odd = SourceNames.of("my shop", "herald_outbox");
    assertThat(odd).matches("h[0-9a-f]{16}\\.herald_outbox");
    assertThat(SourceNames.of("my shop", "herald_outbox")).isEqualTo(odd);
    assertThat(SourceNames.of("x".repeat(49), "t")).matches("h[0-9a-f]{16}\\.t");
    assertThat(SourceNames.of("other shop", "herald_outbox")).isNotEqualTo(odd);
  }

  @Test
  void the_longest_key_stays_within_what_the_intake_allows() {
    String key =
        new RowReader(SourceNames.of("d".repeat(48), "t".repeat(40)), () -> null)
            .idempotencyKey(Long.MAX_VALUE);
    assertThat(key).hasSizeLessThanOrEqualTo(128);
  }
}
