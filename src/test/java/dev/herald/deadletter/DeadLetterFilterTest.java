package dev.herald.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.domain.Failure;
import dev.herald.domain.FailureKind;
import dev.herald.domain.Notification;
import dev.herald.store.DeadLetter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeadLetterFilterTest {

  private static final Instant T = Instant.parse("2026-11-25T12:00:00Z");
  private static final Set<String> NONE = Set.of();

  private static DeadLetter dead(String type, String producer, FailureKind kind, Instant at) {
    Notification n =
        new Notification(
            "n1",
            type,
            producer,
            null,
            List.of("u-1"),
            List.of("push"),
            "{}",
            null,
            null,
            T,
            null,
            T,
            null);
    return new DeadLetter("n1", 0, n, null, 1, at, List.of(new Failure(kind, "x", at, 1)));
  }

  private static DeadLetterFilter types(String... types) {
    return new DeadLetterFilter(
        Set.of(types), NONE, NONE, Set.of(), NONE, Optional.empty(), Optional.empty());
  }

  private static DeadLetterFilter channels(String... channels) {
    return new DeadLetterFilter(
        NONE, Set.of(channels), NONE, Set.of(), NONE, Optional.empty(), Optional.empty());
  }

  private static DeadLetterFilter producers(String... producers) {
    return new DeadLetterFilter(
        NONE, NONE, Set.of(producers), Set.of(), NONE, Optional.empty(), Optional.empty());
  }

  private static DeadLetterFilter kinds(FailureKind... kinds) {
    return new DeadLetterFilter(
        NONE, NONE, NONE, Set.of(kinds), NONE, Optional.empty(), Optional.empty());
  }

  private static DeadLetterFilter notifications(String... ids) {
    return new DeadLetterFilter(
        NONE, NONE, NONE, Set.of(), Set.of(ids), Optional.empty(), Optional.empty());
  }

  private static DeadLetterFilter between(Instant since, Instant until) {
    return new DeadLetterFilter(
        NONE, NONE, NONE, Set.of(), NONE, Optional.ofNullable(since), Optional.ofNullable(until));
  }

  private final DeadLetter game =
      dead("game.turn_ready", "game-engine", FailureKind.GATEWAY_STREAM_PUBLISH_FAILED, T);

  @Test
  void each_filter_matches_its_own_field_and_any_of_its_values() {
    assertThat(DeadLetterFilter.ALL.matches(game)).isTrue();
    assertThat(types("game.turn_ready").matches(game)).isTrue();
    assertThat(types("chat").matches(game)).isFalse();
    assertThat(types("chat", "game.turn_ready").matches(game)).isTrue();
    assertThat(channels("push").matches(game)).isTrue();
    assertThat(channels("email").matches(game)).isFalse();
    assertThat(producers("game-engine").matches(game)).isTrue();
    assertThat(producers("chat").matches(game)).isFalse();
    assertThat(kinds(FailureKind.GATEWAY_STREAM_PUBLISH_FAILED).matches(game)).isTrue();
    assertThat(kinds(FailureKind.CORRUPT_RECORD).matches(game)).isFalse();
    assertThat(notifications("n1").matches(game)).isTrue();
    assertThat(notifications("n2").matches(game)).isFalse();
    assertThat(between(T, T).matches(game)).isTrue();
    assertThat(between(T.plusMillis(1), null).matches(game)).isFalse();
    assertThat(between(null, T.minusMillis(1)).matches(game)).isFalse();
  }

  @Test
  void filters_combine_so_that_all_must_match() {
    DeadLetterFilter both =
        new DeadLetterFilter(
            Set.of("game.turn_ready"),
            NONE,
            Set.of("chat"),
            Set.of(),
            NONE,
            Optional.empty(),
            Optional.empty());
    assertThat(both.matches(game)).isFalse();
  }

  @Test
  void a_dead_letter_whose_notification_is_unreadable_matches_only_filters_that_need_none() {
    DeadLetter corrupt =
        new DeadLetter(
            "n9",
            0,
            null,
            "unreadable",
            1,
            T,
            List.of(new Failure(FailureKind.CORRUPT_RECORD, "x", T, 1)));
    assertThat(corrupt.ref()).isEqualTo("n9/#0");
    assertThat(types("t").matches(corrupt)).isFalse();
    assertThat(channels("push").matches(corrupt)).isFalse();
    assertThat(kinds(FailureKind.CORRUPT_RECORD).matches(corrupt)).isTrue();
  }

  @Test
  void until_only_tightens_the_newest_bound_and_describe_names_every_filter() {
    Instant bound = T.plusSeconds(60);
    assertThat(DeadLetterFilter.ALL.until(bound).until()).contains(bound);
    assertThat(between(null, T).until(bound).until()).contains(T);
    assertThat(DeadLetterFilter.ALL.until(bound).matchesEverything()).isFalse();
    assertThat(DeadLetterFilter.ALL.describe()).isEqualTo("all dead letters");
    assertThat(types("b", "a").describe()).isEqualTo("type a or b");
    assertThat(between(T.plusMillis(500), null).describe())
        .isEqualTo("dead since 2026-11-25T12:00:00Z or later");
  }
}
