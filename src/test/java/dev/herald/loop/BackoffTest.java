package dev.herald.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void pauses_100_ms_after_one_failure_and_doubles_up_to_the_ceiling() {
    Backoff backoff = new Backoff(Duration.ofSeconds(1));
    assertThat(backoff.after(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.after(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.after(4)).isEqualTo(Duration.ofMillis(800));
    assertThat(backoff.after(5)).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.after(1_000)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void counts_no_failure_as_one() {
    assertThat(new Backoff(Duration.ofSeconds(5)).after(0)).isEqualTo(Duration.ofMillis(100));
  }
}
