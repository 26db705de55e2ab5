package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void reads_the_forms_people_write() {
    assertThat(Durations.parse("250ms")).contains(Duration.ofMillis(250));
    assertThat(Durations.parse("30s")).contains(Duration.ofSeconds(30));
    assertThat(Durations.parse("5m")).contains(Duration.ofMinutes(5));
    assertThat(Durations.parse("2h")).contains(Duration.ofHours(2));
    assertThat(Durations.parse("1d")).contains(Duration.ofDays(1));
    assertThat(Durations.parse("PT30S")).contains(Duration.ofSeconds(30));
    assertThat(Durations.parse(" 10 s ")).contains(Duration.ofSeconds(10));
    assertThat(Durations.parse("30")).isEmpty();
    assertThat(Durations.parse("5 minutes")).isEmpty();
  }

  @Test
  void formats_in_the_largest_exact_unit() {
    assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(Durations.format(Duration.ofHours(24))).isEqualTo("1d");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
  }
}
