package dev.herald.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacerTest {

  private final MutableClock clock = MutableClock.atNoon();
  private final List<Duration> waits = new ArrayList<>();
  private final Pacer.Sleeper sleeper =
      d -> {
        waits.add(d);
        clock.advance(d);
      };

  @Test
  void the_kth_item_starts_no_earlier_than_k_minus_one_over_the_rate() throws Exception {
    Pacer pacer = new Pacer(100, clock, sleeper);
    Instant start = clock.instant();
    assertThat(pacer.stepSize(250)).isEqualTo(25);
    for (int step = 0; step < 8; step++) {
      pacer.acquire(25);
    }
    // 200 items at 100/s: the last step of 25 starts at 1.75s.
    assertThat(clock.instant()).isEqualTo(start.plusMillis(1750));
    assertThat(waits).hasSize(7).allSatisfy(w -> assertThat(w).isEqualTo(Duration.ofMillis(250)));
  }

  @Test
  void time_spent_elsewhere_counts_towards_the_rate() throws Exception {
    Pacer pacer = new Pacer(10, clock, sleeper);
    pacer.acquire(2);
    clock.advance(Duration.ofSeconds(1)); // the store call took a second
    pacer.acquire(2);
    assertThat(waits).isEmpty();
  }

  @Test
  void without_a_rate_it_never_waits_and_steps_are_full_slices() throws Exception {
    Pacer pacer = Pacer.unlimited(clock);
    assertThat(pacer.isLimited()).isFalse();
    assertThat(pacer.stepSize(250)).isEqualTo(250);
    for (int i = 0; i < 100; i++) {
      pacer.acquire(250);
    }
    assertThat(waits).isEmpty();
    assertThat(new Pacer(2, clock, sleeper).stepSize(250)).isEqualTo(1);
  }
}
