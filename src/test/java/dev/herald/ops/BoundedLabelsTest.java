package dev.herald.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BoundedLabelsTest {

  @Test
  void keeps_the_first_values_seen_and_counts_the_rest_as_other() {
    BoundedLabels labels = new BoundedLabels(2);
    assertThat(labels.of("game.turn_ready")).isEqualTo("game.turn_ready");
    assertThat(labels.of("chat.message")).isEqualTo("chat.message");
    assertThat(labels.of("billing.receipt")).isEqualTo("other");
    assertThat(labels.of("game.turn_ready")).isEqualTo("game.turn_ready");
    assertThat(labels.of(null)).isEqualTo("unknown");
  }
}
