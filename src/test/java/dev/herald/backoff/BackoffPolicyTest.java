package dev.herald.backoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffPolicyTest {

  private static BackoffPolicy policy(Jitter jitter, double random) {
    return new BackoffPolicy(
        Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0, jitter, () -> random);
  }

  private static long[] delaysMillis(BackoffPolicy p, int attempts) {
    return IntStream.rangeClosed(1, attempts).mapToLong(a -> p.delayAfter(a).toMillis()).toArray();
  }

  @Test
  void without_jitter_delays_double_from_initial_and_stop_at_max() {
    assertThat(delaysMillis(policy(Jitter.NONE, 0.5), 7))
        .containsExactly(1000, 2000, 4000, 8000, 16000, 30000, 30000);
  }

  @Test
  void full_jitter_scales_the_whole_delay() {
    assertThat(delaysMillis(policy(Jitter.FULL, 0.25), 4)).containsExactly(250, 500, 1000, 2000);
    assertThat(delaysMillis(policy(Jitter.FULL, 0.0), 2)).containsExactly(0, 0);
  }

  @Test
  void equal_jitter_keeps_at_least_half() {
    assertThat(delaysMillis(policy(Jitter.EQUAL, 0.0), 3)).containsExactly(500, 1000, 2000);
    assertThat(delaysMillis(policy(Jitter.EQUAL, 0.5), 3)).containsExactly(750, 1500, 3000);
  }

  @Test
  void seeded_jitter_gives_the_same_delays_every_run() {
    Random a = new Random(7);
    Random b = new Random(7);
    BackoffPolicy first =
        new BackoffPolicy(
            Duration.ofSeconds(1), Duration.ofMinutes(5), 3.0, Jitter.FULL, a::nextDouble);
    BackoffPolicy second =
        new BackoffPolicy(
            Duration.ofSeconds(1), Duration.ofMinutes(5), 3.0, Jitter.FULL, b::nextDouble);
    assertThat(delaysMillis(first, 6)).containsExactly(delaysMillis(second, 6));
    long[] d = delaysMillis(first, 6);
    for (int i = 0; i < d.length; i++) {
      assertThat(d[i]).isBetween(0L, (long) Math.min(300_000, 1000 * Math.pow(3, i)));
    }
  }

  @Test
  void a_huge_attempt_number_saturates_at_max_instead_of_overflowing() {
    assertThat(policy(Jitter.NONE, 0).delayAfter(10_000)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void nonsense_settings_and_attempt_zero_are_refused() {
    assertThatThrownBy(() -> policy(Jitter.NONE, 0).delayAfter(0)).hasMessageContaining("1-based");
    assertThatThrownBy(
            () ->
                new BackoffPolicy(
                    Duration.ofSeconds(5), Duration.ofSeconds(1), 2.0, Jitter.NONE, () -> 0))
        .hasMessageContaining("initial <= max");
  }

  @Test
  void the_planner_retries_until_the_last_attempt_then_gives_up() {
    RetryPlanner planner = new RetryPlanner(policy(Jitter.NONE, 0));
    Instant t = Instant.parse("2026-11-25T12:00:00Z");
    assertThat(planner.afterFailure(1, 3, t).retryAt()).isEqualTo(t.plusSeconds(1));
    assertThat(planner.afterFailure(2, 3, t).retryAt()).isEqualTo(t.plusSeconds(2));
    assertThat(planner.afterFailure(3, 3, t).isDeadLetter()).isTrue();
    assertThat(planner.afterFailure(1, 1, t).isDeadLetter()).isTrue();
  }
}
