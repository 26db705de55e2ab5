package dev.herald.cli;

import dev.herald.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A time on the command line: an ISO-8601 instant ({@code 2026-11-25T12:00:00Z}, an offset allowed)
 * or a duration relative to now ({@code 2h}, {@code 30m}, {@code PT90S}): ago for bounds such as
 * {@code --since}, from now for {@code --at}.
 */
record TimeArg(Instant absolute, Duration relative) {

  static final String FORMS = "an ISO-8601 time (2026-11-25T12:00:00Z) or a duration (2h, 30m)";

  Instant ago(Instant now) {
    return absolute != null ? absolute : now.minus(relative);
  }

  Instant fromNow(Instant now) {
    return absolute != null ? absolute : now.plus(relative);
  }

  static Optional<Instant> ago(TimeArg arg, Instant now) {
    return Optional.ofNullable(arg).map(a -> a.ago(now));
  }

  /** picocli's converter: a bad value is a usage error naming the forms allowed. */
  static final class Converter implements ITypeConverter<TimeArg> {
    @Override
    public TimeArg convert(String text) {
      try {
        return new TimeArg(OffsetDateTime.parse(text).toInstant(), null);
      } catch (DateTimeParseException notAnInstant) {
        Optional<Duration> d = Durations.parse(text);
        if (d.isPresent() && !d.get().isNegative()) {
          return new TimeArg(null, d.get());
        }
        throw new TypeConversionException("'" + text + "' is not " + FORMS);
      }
    }
  }

  /** A duration option ({@code --spread 10m}, {@code --older-than 7d}). */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      return Durations.parse(text)
          .filter(d -> !d.isNegative())
          .orElseThrow(
              () -> new TypeConversionException("'" + text + "' is not " + Durations.FORMS));
    }
  }
}
