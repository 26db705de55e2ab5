package dev.herald.publish;

import static dev.herald.publish.SinkBreaker.Decision.DEFER;
import static dev.herald.publish.SinkBreaker.Decision.PROBE;
import static dev.herald.publish.SinkBreaker.Decision.PUBLISH;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SinkBreakerTest {

  private final MutableClock clock = MutableClock.atNoon();
  private final SinkBreaker breaker = new SinkBreaker(clock);

  private void fail(int times) {
    for (int i = 0; i < times; i++) {
      breaker.onAppendFailed("s");
    }
  }

  @Test
  void its_stream_goes_inline_only_while_closed_and_asking_takes_no_probe() {
    assertThat(breaker.isClosed("s")).isTrue();
    breaker.onRefused("s", "WRONGTYPE");
    assertThat(breaker.isClosed("s")).isFalse();
    assertThat(breaker.isClosed("t")).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(breaker.isClosed("s")).as("a probe is due, the breaker still open").isFalse();
    assertThat(breaker.decide("s")).as("the probe is still there to take").isEqualTo(PROBE);
    breaker.onPublished("s");
    assertThat(breaker.isClosed("s")).isTrue();
  }

  @Test
  void a_success_between_failures_keeps_it_closed() {
    fail(SinkBreaker.FAILURES_TO_OPEN - 1);
    breaker.onPublished("s");
    fail(SinkBreaker.FAILURES_TO_OPEN - 1);
    assertThat(breaker.decide("s")).isEqualTo(PUBLISH);
  }

  @Test
  void a_run_of_failures_opens_it_for_that_stream_only() {
    fail(SinkBreaker.FAILURES_TO_OPEN);
    assertThat(breaker.decide("s")).isEqualTo(DEFER);
    assertThat(breaker.reopensAt("s")).isEqualTo(clock.instant().plusSeconds(1));
    assertThat(breaker.decide("other")).isEqualTo(PUBLISH);
  }

  @Test
  void after_the_cool_down_one_probe_goes_through_and_its_success_closes_it() {
    fail(SinkBreaker.FAILURES_TO_OPEN);
    clock.advance(Duration.ofSeconds(1));
    assertThat(breaker.decide("s")).isEqualTo(PROBE);
    assertThat(breaker.decide("s")).as("one probe at a time").isEqualTo(DEFER);
    breaker.onPublished("s");
    assertThat(breaker.decide("s")).isEqualTo(PUBLISH);
    assertThat(breaker.open()).extracting(SinkBreaker.Open::stream).doesNotContain("s");
  }

  @Test
  void a_failed_probe_opens_it_again_for_twice_as_long_up_to_the_cap() {
    fail(SinkBreaker.FAILURES_TO_OPEN);
    Duration expected = Duration.ofSeconds(1);
    for (int i = 0; i < 8; i++) {
      clock.advance(expected);
      assertThat(breaker.decide("s")).isEqualTo(PROBE);
      breaker.onAppendFailed("s");
      expected =
          expected.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0
              ? Duration.ofSeconds(30)
              : expected.multipliedBy(2);
      assertThat(breaker.reopensAt("s")).isEqualTo(clock.instant().plus(expected));
    }
  }

  @Test
  void a_probe_without_a_verdict_times_out_and_another_route_probes() {
    fail(SinkBreaker.FAILURES_TO_OPEN);
    clock.advance(Duration.ofSeconds(1));
    assertThat(breaker.decide("s")).isEqualTo(PROBE);
    // No verdict ever comes (its route's lease was lost, its completion failed...).
    clock.advance(Duration.ofSeconds(4));
    assertThat(breaker.decide("s")).as("the probe is still out").isEqualTo(DEFER);
    clock.advance(Duration.ofSeconds(1));
    assertThat(breaker.decide("s")).as("5 s without a verdict").isEqualTo(PROBE);
  }

  @Test
  void a_lost_probe_lets_the_next_route_probe_at_once() {
    fail(SinkBreaker.FAILURES_TO_OPEN);
    clock.advance(Duration.ofSeconds(1));
    assertThat(breaker.decide("s")).isEqualTo(PROBE);
    breaker.onProbeLost("s");
    assertThat(breaker.decide("s")).isEqualTo(PROBE);
  }

  @Test
  void a_refusal_opens_it_at_once_and_it_probes_every_second_however_long_it_lasts() {
    assertThat(breaker.onRefused("s", "WRONGTYPE ...")).isEqualTo(SinkBreaker.Transition.OPENED);
    assertThat(breaker.decide("s")).isEqualTo(DEFER);
    for (int i = 0; i < 60; i++) {
      assertThat(breaker.reopensAt("s")).isEqualTo(clock.instant().plusSeconds(1));
      clock.advance(Duration.ofSeconds(1));
      assertThat(breaker.decide("s")).isEqualTo(PROBE);
      assertThat(breaker.onRefused("s", "WRONGTYPE ...")).isEqualTo(SinkBreaker.Transition.NONE);
    }
    assertThat(breaker.decide("other")).isEqualTo(PUBLISH);
  }

  @Test
  void each_opening_and_closing_is_told_once_with_what_opened_it() {
    assertThat(breaker.onRefused("s", "OOM command not allowed"))
        .isEqualTo(SinkBreaker.Transition.OPENED);
    assertThat(breaker.onRefused("s", "OOM command not allowed"))
        .isEqualTo(SinkBreaker.Transition.NONE);
    assertThat(breaker.open())
        .containsExactly(new SinkBreaker.Open("s", clock.instant(), "OOM command not allowed"));
    long changes = breaker.changes();

    clock.advance(Duration.ofMillis(1500));
    assertThat(breaker.onPublished("s")).isEqualTo(SinkBreaker.Transition.CLOSED);
    assertThat(breaker.onPublished("s")).isEqualTo(SinkBreaker.Transition.NONE);
    assertThat(breaker.lastOpenFor("s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(breaker.open()).isEmpty();
    assertThat(breaker.changes()).isEqualTo(changes + 1);
  }
}
