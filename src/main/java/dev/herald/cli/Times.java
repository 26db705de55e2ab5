package dev.herald.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** How commands print times: UTC, to the second, in tables; ISO-8601 in JSON. */
final class Times {

  private static final DateTimeFormatter TABLE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private Times() {}

  /** {@code 2026-11-25 12:00:00Z}, or {@code -} for none. */
  static String table(Instant t) {
    return t == null ? "-" : TABLE.format(t);
  }

  /** ISO-8601 to the millisecond (Herald keeps no finer times), or null for none. */
  static String iso(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS).toString();
  }

  /** {@code 3d 4h}, {@code 2h 5m}, {@code 4m 10s}, {@code 12s}: the two largest units. */
  static String span(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s >= 86_400) {
      return s / 86_400 + "d " + s % 86_400 / 3600 + "h";
    }
    if (s >= 3600) {
      return s / 3600 + "h " + s % 3600 / 60 + "m";
    }
    if (s >= 60) {
      return s / 60 + "m " + s % 60 + "s";
    }
    return s + "s";
  }
}
