package dev.herald.deadletter;

import dev.herald.store.DeadLetterStore.Route;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When requeued routes fall due: all at {@code at}, or spread evenly over {@code [at, at + spread)}
 * so that a large requeue does not hit the gateway as one herd. A route's place in the spread comes
 * from a hash of its identity, so running the same requeue again gives the same times.
 */
public record RequeueTiming(Instant at, Duration spread) {

  public RequeueTiming {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(spread, "spread");
    if (spread.isNegative()) {
      throw new IllegalArgumentException("spread must not be negative (was " + spread + ")");
    }
  }

  public Instant dueOf(Route route) {
    long ms = spread.toMillis();
    if (ms == 0) {
      return at;
    }
    long h = route.notificationId().hashCode() * 0x9E3779B97F4A7C15L + route.index();
    h = (h ^ (h >>> 31)) * 0xBF58476D1CE4E5B9L;
    h ^= h >>> 29;
    return at.plusMillis(Math.floorMod(h, ms));
  }
}
