package dev.herald.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.store.DeadLetterStore.Route;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RequeueTimingTest {

  private final Instant at = Instant.parse("2026-11-25T12:00:00Z");

  @Test
  void without_a_spread_every_route_is_due_at_once() {
    RequeueTiming timing = new RequeueTiming(at, Duration.ZERO);
    assertThat(timing.dueOf(new Route("n1", 0))).isEqualTo(at);
    assertThat(timing.dueOf(new Route("n2", 7))).isEqualTo(at);
  }

  @Test
  void a_spread_places_routes_evenly_in_the_window_and_the_same_route_always_at_the_same_time() {
    Duration spread = Duration.ofMinutes(10);
    RequeueTiming timing = new RequeueTiming(at, spread);
    int[] tenths = new int[10];
    for (int n = 0; n < 200; n++) {
      for (int i = 0; i < 50; i++) {
        Instant due = timing.dueOf(new Route("01JDQ5XKZ7W3M1V9Y4T0R8E" + n, i));
        assertThat(due).isBetween(at, at.plus(spread).minusMillis(1));
        tenths[(int) (Duration.between(at, due).toMillis() * 10 / spread.toMillis())]++;
      }
    }
    // 10,000 routes: each tenth of the window holds about 1,000.
    for (int count : tenths) {
      assertThat(count).isBetween(850, 1150);
    }
    assertThat(timing.dueOf(new Route("n", 3))).isEqualTo(timing.dueOf(new Route("n", 3)));
  }

  @Test
  void a_negative_spread_is_refused() {
    assertThatThrownBy(() -> new RequeueTiming(at, Duration.ofSeconds(-1)))
        .hasMessageContaining("spread must not be negative");
  }
}
