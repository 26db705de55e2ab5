package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class TimeArgTest {

  private final TimeArg.Converter converter = new TimeArg.Converter();
  private final Instant now = Instant.parse("2026-11-25T12:00:00Z");

  @Test
  void reads_iso_instants_with_an_offset_and_durations_relative_to_now() {
    assertThat(converter.convert("2026-11-25T10:00:00Z").ago(now))
        .isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
    assertThat(converter.convert("2026-11-25T11:00:00+01:00").ago(now))
        .isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
    assertThat(converter.convert("2h").ago(now)).isEqualTo(now.minus(Duration.ofHours(2)));
    assertThat(converter.convert("PT90S").ago(now)).isEqualTo(now.minusSeconds(90));
    assertThat(converter.convert("10m").fromNow(now)).isEqualTo(now.plusSeconds(600));
  }

  @Test
  void anything_else_is_a_usage_error_naming_the_forms() {
    assertThatThrownBy(() -> converter.convert("yesterday"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage("'yesterday' is not " + TimeArg.FORMS);
    assertThatThrownBy(() -> new TimeArg.DurationConverter().convert("-5m"))
        .isInstanceOf(TypeConversionException.class);
  }
}
