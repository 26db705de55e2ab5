package dev.herald.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The table's shape. Which edges it holds is checked against the scripts that make the moves, in
 * {@code RouteTransitionsScriptIT}: the table is the one copy.
 */
class RouteTransitionsTest {

  @Test
  void an_illegal_move_names_both_states_and_what_is_allowed() {
    assertThatThrownBy(() -> RouteTransitions.check(RouteState.PUBLISHED, RouteState.PENDING))
        .hasMessageContaining("from published to pending")
        .hasMessageContaining("nothing, it is final");
    assertThatThrownBy(() -> RouteTransitions.check(RouteState.PENDING, RouteState.DEAD_LETTER))
        .hasMessageContaining("allowed from pending: leased, published, expired, cancelled");
  }

  @Test
  void published_is_final_and_so_are_expired_cancelled_and_purged_but_dead_letters_wait() {
    Set<RouteState> noWayOut = EnumSet.noneOf(RouteState.class);
    for (RouteState from : RouteState.values()) {
      if (EnumSet.allOf(RouteState.class).stream()
          .noneMatch(to -> RouteTransitions.allows(from, to))) {
        noWayOut.add(from);
      }
    }
    assertThat(noWayOut)
        .containsExactlyInAnyOrder(
            RouteState.PUBLISHED, RouteState.EXPIRED, RouteState.CANCELLED, RouteState.PURGED);
  }

  @Test
  void only_a_claim_leases_a_route_and_only_from_a_waiting_state() {
    for (RouteState from : RouteState.values()) {
      assertThat(RouteTransitions.allows(from, RouteState.LEASED))
          .as("%s -> leased", from)
          .isEqualTo(
              from == RouteState.PENDING || from == RouteState.FAILED || from == RouteState.LEASED);
    }
  }

  @Test
  void names_round_trip() {
    for (RouteState s : RouteState.values()) {
      assertThat(RouteState.fromDisplayName(s.displayName())).contains(s);
    }
  }
}
