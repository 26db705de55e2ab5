package dev.herald.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a migration reads the names of the keys and entries it moves. */
class MigrationNamesTest {

  @Test
  void an_idempotency_name_splits_by_the_producers_length_even_with_colons_on_both_sides() {
    assertThat(IdempotencyMover.parseName("3:a:b:c:d")).containsExactly("a:b", "c:d");
    assertThat(IdempotencyMover.parseName("11:game-engine:turn-42"))
        .containsExactly("game-engine", "turn-42");
    assertThat(IdempotencyMover.parseName("0::k")).containsExactly("", "k");
  }

  @Test
  void a_name_herald_does_not_write_is_no_idempotency_name() {
    assertThat(IdempotencyMover.parseName("x:a:b")).isNull();
    assertThat(IdempotencyMover.parseName("5:ab:c")).isNull();
    assertThat(IdempotencyMover.parseName("2:ab")).isNull();
    assertThat(IdempotencyMover.parseName(":a:b")).isNull();
    assertThat(IdempotencyMover.parseName("-1:a:b")).isNull();
  }

  @Test
  void an_index_entry_names_its_notification_before_its_first_colon() {
    assertThat(IndexMover.idOf("01M8S41AGQ88DS4Q4K51M8YTMN:0-63"))
        .isEqualTo("01M8S41AGQ88DS4Q4K51M8YTMN");
    assertThat(IndexMover.idOf("01M8S41AGQ88DS4Q4K51M8YTMN:7"))
        .isEqualTo("01M8S41AGQ88DS4Q4K51M8YTMN");
    assertThat(IndexMover.idOf("01M8S41AGQ88DS4Q4K51M8YTMN"))
        .isEqualTo("01M8S41AGQ88DS4Q4K51M8YTMN");
    assertThat(IndexMover.idOf("garbage")).isEqualTo("garbage");
  }

  @Test
  void a_namespace_with_glob_characters_matches_only_itself() {
    assertThat(KeyPatterns.escape("h*[x]?\\:n:")).isEqualTo("h\\*\\[x\\]\\?\\\\:n:");
    assertThat(KeyPatterns.escape("herald:{0}:n:")).isEqualTo("herald:{0}:n:");
  }
}
