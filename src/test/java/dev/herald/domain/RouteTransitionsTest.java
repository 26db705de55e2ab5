package dev.herald.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RouteTransitionsTest {

  /** The table written out once more, by hand, so that a change to it is a deliberate one. */
  private static final Map<RouteState, Set<RouteState>> EXPECTED =
      Map.of(
          RouteState.PENDING, Set.of(RouteState.LEASED, RouteState.CANCELLED, RouteState.EXPIRED),
          RouteState.FAILED, Set.of(RouteState.LEASED, RouteState.CANCELLED, RouteState.EXPIRED),
          RouteState.LEASED,
              Set.of(
                  RouteState.PENDING,
                  RouteState.LEASED,
                  RouteState.PUBLISHED,
                  RouteState.FAILED,
                  RouteState.DEAD_LETTER,
                  RouteState.CANCELLED,
                  RouteState.EXPIRED),
          RouteState.DEAD_LETTER,
              Set.of(
                  RouteState.PENDING, RouteState.FAILED, RouteState.CANCELLED, RouteState.PURGED),
          RouteState.PUBLISHED, Set.of(),
          RouteState.EXPIRED, Set.of(),
          RouteState.CANCELLED, Set.of(),
          RouteState.PURGED, Set.of());

  @ParameterizedTest
  @EnumSource(RouteState.class)
  void every_pair_of_states_is_allowed_exactly_as_the_table_says(RouteState from) {
    for (RouteState to : RouteState.values()) {
      assertThat(RouteTransitions.allows(from, to))
          .as("%s -> %s", from, to)
          .isEqualTo(EXPECTED.get(from).contains(to));
    }
  }

  @Test
  void an_illegal_move_names_both_states_and_what_is_allowed() {
    assertThatThrownBy(() -> RouteTransitions.check(RouteState.PUBLISHED, RouteState.PENDING))
        .hasMessageContaining("from published to pending")
        .hasMessageContaining("nothing, it is final");
    assertThatThrownBy(() -> RouteTransitions.check(RouteState.PENDING, RouteState.PUBLISHED))
        .hasMessageContaining("allowed from pending: leased, expired, cancelled");
  }

  @Test
  void terminal_states_are_the_ones_with_no_way_out_but_dead_letters_wait_for_an_operator() {
    for (RouteState s : RouteState.values()) {
      boolean noWayOut = RouteTransitions.targetsOf(s).isEmpty();
      assertThat(s.isTerminal()).as("%s", s).isEqualTo(noWayOut);
    }
    assertThat(RouteState.DEAD_LETTER.isTerminal()).isFalse();
  }

  @Test
  void codes_and_names_round_trip() {
    for (RouteState s : RouteState.values()) {
      assertThat(RouteState.fromCode(s.code())).contains(s);
      assertThat(RouteState.fromDisplayName(s.displayName())).contains(s);
    }
  }
}
