package dev.herald.loop;

import java.time.Duration;

/**
 * How long a loop pauses after failures in a row: 100 ms after the first, doubling with each
 * further one, never more than {@code max}.
 */
public record Backoff(Duration max) {

  /** The pause after one failure. */
  public static final Duration FIRST = Duration.ofMillis(100);

  /** The pause after {@code failures} failures in a row (at least one). */
  public Duration after(int failures) {
    long ms = FIRST.toMillis() << Math.min(Math.max(failures, 1) - 1, 16);
    return Duration.ofMillis(Math.min(ms, max.toMillis()));
  }
}
