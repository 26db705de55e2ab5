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
            T);
    return new DeadLetter("n1", 0, n, null, 1, at, List.of(new Failure(kind, "x", at, 1)));
  }

  private static DeadLetterFilter filter(
      Set<String> types,
      Set<String> channels,
      Set<String> producers,
      Set<FailureKind> kinds,
      Set<String> ids,
      Instant since,
      Instant until) {
    return new DeadLetterFilter(
        types,
        channels,
        producers,
        kinds,
        ids,
        Optional.ofNullable(since),
        Optional.ofNullable(until));
  }

  private final DeadLetter game =
      dead("game.turn_ready", "game-engine", FailureKind.GATEWAY_STREAM_PUBLISH_FAILED, T);

  @Test
  void each_filter_matches_its_own_field_and_all_must_match() {
    assertThat(DeadLetterFilter.ALL.matches(game)).isTrue();
    assertThat(
            filter(Set.of("game.turn_ready"), Set.of(), Set.of(), Set.of(), Set.of(), null, null)
                .matches(game))
        .isTrue();
    assertThat(
            filter(Set.of("chat"), Set.of(), Set.of(), Set.of(), Set.of(), null, null)
                .matches(game))
        .isFalse();
    assertThat(
            filter(
                    Set.of("chat", "game.turn_ready"),
                    Set.of(),
                    Set.of(),
                    Set.of(),
                    Set.of(),
                    null,
                    null)
                .matches(game))
        .isTrue();
    assertThat(
            filter(Set.of(), Set.of("push"), Set.of(), Set.of(), Set.of(), null, null)
                .matches(game))
        .isTrue();
    assertThat(
            filter(Set.of(), Set.of("email"), Set.of(), Set.of(), Set.of(), null, null)
                .matches(game))
        .isFalse();
    assertThat(
            filter(Set.of(), Set.of(), Set.of("chat"), Set.of(), Set.of(), null, null)
                .matches(game))
        .isFalse();
    assertThat(
            filter(
                    Set.of(),
                    Set.of(),
                    Set.of(),
                    Set.of(FailureKind.CORRUPT_RECORD),
                    Set.of(),
                    null,
                    null)
                .matches(game))
        .isFalse();
    assertThat(
            filter(Set.of(), Set.of(), Set.of(), Set.of(), Set.of("n2"), null, null).matches(game))
        .isFalse();
    assertThat(filter(Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), T, T).matches(game))
        .isTrue();
    assertThat(
            filter(Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), T.plusMillis(1), null)
                .matches(game))
        .isFalse();
    assertThat(
            filter(Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), null, T.minusMillis(1))
                .matches(game))
        .isFalse();
    assertThat(
            filter(
                    Set.of("game.turn_ready"),
                    Set.of(),
                    Set.of("chat"),
                    Set.of(),
                    Set.of(),
                    null,
                    null)
                .matches(game))
        .isFalse();
  }

  @Test
  void
      a_dead_letter_whose_notification_is_unreadable_matches_only_filters_that_need_no_notification() {
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
    assertThat(
            filter(Set.of("t"), Set.of(), Set.of(), Set.of(), Set.of(), null, null)
                .matches(corrupt))
        .isFalse();
    assertThat(
            filter(Set.of(), Set.of("push"), Set.of(), Set.of(), Set.of(), null, null)
                .matches(corrupt))
        .isFalse();
    assertThat(
            filter(
                    Set.of(),
                    Set.of(),
                    Set.of(),
                    Set.of(FailureKind.CORRUPT_RECORD),
                    Set.of(),
                    null,
                    null)
                .matches(corrupt))
        .isTrue();
  }

  @Test
  void until_only_tightens_the_newest_bound_and_describe_names_every_filter() {
    Instant bound = T.plusSeconds(60);
    assertThat(DeadLetterFilter.ALL.until(bound).until()).contains(bound);
    assertThat(
            filter(Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), null, T).until(bound).until())
        .contains(T);
    assertThat(DeadLetterFilter.ALL.until(bound).matchesEverything()).isFalse();
    assertThat(DeadLetterFilter.ALL.describe()).isEqualTo("all dead letters");
    assertThat(
            filter(
                    Set.of("b", "a"),
                    Set.of(),
                    Set.of(),
                    Set.of(FailureKind.CORRUPT_RECORD),
                    Set.of(),
                    T,
                    null)
                .describe())
        .isEqualTo(
            "type a or b, classification corrupt_record, dead since 2026-11-25T12:00:00Z or later");
  }
}
