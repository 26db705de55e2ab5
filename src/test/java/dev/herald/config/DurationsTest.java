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
  void reads_compound_and_decimal_forms() {
    assertThat(Durations.parse("1h30m")).contains(Duration.ofMinutes(90));
    assertThat(Durations.parse("1.5s")).contains(Duration.ofMillis(1500));
    assertThat(Durations.parse("2m30s")).contains(Duration.ofSeconds(150));
    assertThat(Durations.parse("1d12h")).contains(Duration.ofHours(36));
    assertThat(Durations.parse("0.5h")).contains(Duration.ofMinutes(30));
    assertThat(Durations.parse("1h 30m")).contains(Duration.ofMinutes(90));
    assertThat(Durations.parse("1s500ms")).contains(Duration.ofMillis(1500));
    assertThat(Durations.parse("0.5ms")).as("not a whole millisecond").isEmpty();
    assertThat(Durations.parse("1h30")).as("a number without a unit").isEmpty();
    assertThat(Durations.parse("h")).isEmpty();
    assertThat(Durations.parse("1.s")).isEmpty();
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
