package dev.herald.console;

import dev.herald.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The Scheduled page's window, from and to, as an operator types them: an ISO-8601 time with an
 * offset ({@code 2026-12-01T13:00:00Z}), one without, read as UTC ({@code 2026-12-01T13:00}, what a
 * {@code datetime-local} field sends), {@code now}, or a duration from now ({@code 15m}, {@code
 * +2h}) or ago ({@code -1h}). Empty: unbounded.
 */
record TimeWindow(Optional<Instant> from, Optional<Instant> to) {

  static final String FORMS =
      "must be a UTC time (2026-12-01T13:00Z, 2026-12-01T13:00), now, or a duration from now (15m)"
          + " or ago (-1h)";

  static TimeWindow parse(String from, String to, Instant now) {
    TimeWindow w = new TimeWindow(time("from", from, now), time("to", to, now));
    if (w.from.isPresent() && w.to.isPresent() && w.to.get().isBefore(w.from.get())) {
      throw new Selection.BadField("to", "must not be before from (" + w.from.get() + ")");
    }
    return w;
  }

  /** Whether a time is past the window's end. */
  boolean after(Instant t) {
    return to.isPresent() && t.isAfter(to.get());
  }

  static Optional<Instant> time(String field, String text, Instant now) {
    String t = text == null ? "" : text.strip();
    if (t.isEmpty()) {
      return Optional.empty();
    }
    if (t.equalsIgnoreCase("now")) {
      return Optional.of(now);
    }
    try {
      return Optional.of(OffsetDateTime.parse(t).toInstant());
    } catch (DateTimeParseException notWithOffset) {
      // try the other forms
    }
    try {
      return Optional.of(LocalDateTime.parse(t).toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException notLocal) {
      // try a duration
    }
    boolean ago = t.startsWith("-");
    String span = ago || t.startsWith("+") ? t.substring(1) : t;
    Optional<Duration> d = Durations.parse(span).filter(x -> !x.isNegative());
    if (d.isEmpty()) {
      throw new Selection.BadField(field, FORMS + " (was '" + text + "')");
    }
    return Optional.of(ago ? now.minus(d.get()) : now.plus(d.get()));
  }
}
