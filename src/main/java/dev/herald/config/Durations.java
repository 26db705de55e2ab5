package dev.herald.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads durations as people write them in config files and on the command line: {@code 250ms},
 * {@code 30s}, {@code 1.5s}, {@code 1h30m}, {@code 1d}, or ISO-8601 ({@code PT30S}). A duration is
 * one or more parts of a number (decimals allowed) and a unit, as Go's {@code time.ParseDuration}
 * reads them, plus days; it must come to a whole number of milliseconds.
 */
public final class Durations {

  public static final String FORMS =
      "numbers with units ms, s, m, h, d (250ms, 1.5s, 30s, 1h30m, 1d) or ISO-8601 (PT30S)";

  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");
  private static final Pattern WHOLE =
      Pattern.compile("(?:\\d+(?:\\.\\d+)?\\s*(?:ms|s|m|h|d)\\s*)+");

  private Durations() {}

  public static Optional<Duration> parse(String text) {
    String t = text.trim();
    if (WHOLE.matcher(t).matches()) {
      BigDecimal millis = BigDecimal.ZERO;
      Matcher m = PART.matcher(t);
      while (m.find()) {
        millis = millis.add(new BigDecimal(m.group(1)).multiply(MILLIS_PER.get(m.group(2))));
      }
      try {
        return Optional.of(Duration.ofMillis(millis.longValueExact()));
      } catch (ArithmeticException e) {
        return Optional.empty(); // a fraction of a millisecond, or beyond a long
      }
    }
    try {
      return Optional.of(Duration.parse(t));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static final Map<String, BigDecimal> MILLIS_PER =
      Map.of(
          "ms", BigDecimal.ONE,
          "s", BigDecimal.valueOf(1_000),
          "m", BigDecimal.valueOf(60_000),
          "h", BigDecimal.valueOf(3_600_000),
          "d", BigDecimal.valueOf(86_400_000));

  /** The shortest exact form of the duration: {@code 250ms}, {@code 30s}, {@code 5m}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 86_400_000 == 0 && ms != 0) {
      return ms / 86_400_000 + "d";
    }
    if (ms % 3_600_000 == 0 && ms != 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms != 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
