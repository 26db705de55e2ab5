package dev.herald.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.store.StoreUnavailableException;
import dev.herald.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthTest {

  private final MutableClock clock = MutableClock.atNoon();
  private Duration poll = Duration.ofMillis(500);
  private Duration timeout = Duration.ofSeconds(2);
  private final Health health = new Health(clock, () -> poll, () -> timeout);

  private static StoreUnavailableException down() {
    return new StoreUnavailableException("claiming due routes: Redis unavailable: timeout", null);
  }

  @Test
  void waiting_for_redis_at_start_is_alive_and_says_why() {
    clock.advance(Duration.ofSeconds(30));
    health.onCycleFailed(new StoreUnavailableException("connect: refused", null));
    assertThat(health.check())
        .isEqualTo(
            Check.ok("ok: starting, waiting for Redis for 30s; last error: connect: refused"));
  }

  @Test
  void a_worker_backing_off_from_a_redis_that_does_not_answer_is_alive() {
    health.started();
    health.succeeded("w-0");
    // Redis freezes: each call ends after redis.timeout, and the worker backs off and tries again.
    for (int round = 0; round < 20; round++) {
      clock.advance(timeout.plusSeconds(1));
      health.failed("w-0", down());
    }
    assertThat(health.check())
        .isEqualTo(
            Check.ok(
                "ok: looping, backing off from Redis; last error: claiming due routes: Redis"
                    + " unavailable: timeout"));
    health.succeeded("w-0");
    assertThat(health.check()).isEqualTo(Check.ok("ok: last publish cycle 0.0s ago"));
  }

  @Test
  void one_worker_that_stops_looping_makes_the_process_wedged() {
    health.started();
    health.succeeded("w-0");
    health.succeeded("w-1");
    for (int i = 0; i < 7; i++) {
      clock.advance(Duration.ofSeconds(1));
      health.succeeded("w-0"); // w-1 is stuck in a call that never returns
    }
    assertThat(health.check())
        .isEqualTo(
            Check.failed(
                "wedged: w-1 has not finished a round for 7.0s (limit 6s: 3 x the longer of"
                    + " publisher.poll-interval and redis.timeout)"));
  }

  @Test
  void a_worker_stopped_as_asked_is_no_longer_waited_for() {
    health.started();
    health.succeeded("w-0");
    health.succeeded("w-1");
    health.stopped("w-1"); // a reload shrank the pool
    clock.advance(Duration.ofSeconds(10));
    health.succeeded("w-0");
    assertThat(health.check().ok()).isTrue();
  }

  @Test
  void no_worker_at_all_after_the_start_is_wedged_past_the_window() {
    health.started();
    clock.advance(Duration.ofSeconds(7));
    assertThat(health.check().ok()).isFalse();
    assertThat(health.check().message())
        .startsWith("wedged: no worker has finished a round for 7.0s");
  }

  @Test
  void the_window_is_three_times_the_longer_of_poll_interval_and_redis_timeout() {
    poll = Duration.ofMillis(10);
    timeout = Duration.ofMillis(100);
    assertThat(health.window()).isEqualTo(Duration.ofSeconds(1));
    timeout = Duration.ofSeconds(2);
    assertThat(health.window()).isEqualTo(Duration.ofSeconds(6));
    poll = Duration.ofSeconds(5);
    assertThat(health.window()).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void says_stopping_once_shutdown_began() {
    health.started();
    health.succeeded("w-0");
    health.stopping();
    assertThat(health.check()).isEqualTo(Check.failed("stopping"));
  }
}
