package dev.herald.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.store.StoreUnavailableException;
import dev.herald.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthTest {

  private final MutableClock clock = MutableClock.atNoon();
  private Duration poll = Duration.ofMillis(500);
  private final Health health = new Health(clock, () -> poll);

  @Test
  void is_unhealthy_until_the_publisher_runs_and_says_why() {
    clock.advance(Duration.ofSeconds(3));
    health.onCycleFailed(new StoreUnavailableException("connect: refused", null));
    assertThat(health.check())
        .isEqualTo(
            Check.failed("starting: waiting for Redis for 3.0s; last error: connect: refused"));
  }

  @Test
  void is_healthy_while_cycles_finish_within_three_poll_intervals() {
    health.started();
    assertThat(health.check().ok()).isTrue();
    clock.advance(Duration.ofMillis(1400));
    health.onCycleSucceeded();
    clock.advance(Duration.ofMillis(1500));
    assertThat(health.check()).isEqualTo(Check.ok("ok: last publish cycle 1.5s ago"));
  }

  @Test
  void turns_unhealthy_when_no_cycle_finishes_and_recovers_with_the_next_one() {
    health.started();
    health.onCycleSucceeded();
    clock.advance(Duration.ofMillis(1600));
    health.onCycleFailed(new StoreUnavailableException("claim: Redis unavailable: timeout", null));
    assertThat(health.check())
        .isEqualTo(
            Check.failed(
                "stuck: no publish cycle finished for 1.6s (limit 1500ms, 3 poll intervals);"
                    + " last error: claim: Redis unavailable: timeout"));
    health.onCycleSucceeded();
    assertThat(health.check().ok()).isTrue();
  }

  @Test
  void the_window_follows_the_poll_interval_but_is_at_least_a_second() {
    poll = Duration.ofMillis(10);
    assertThat(health.window()).isEqualTo(Duration.ofSeconds(1));
    poll = Duration.ofSeconds(2);
    assertThat(health.window()).isEqualTo(Duration.ofSeconds(6));
  }

  @Test
  void says_stopping_once_shutdown_began() {
    health.started();
    health.onCycleSucceeded();
    health.stopping();
    assertThat(health.check()).isEqualTo(Check.failed("stopping"));
  }
}
