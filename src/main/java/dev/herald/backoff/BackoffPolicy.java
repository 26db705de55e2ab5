package dev.herald.backoff;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff: the delay before retrying after attempt {@code n} failed is {@code initial ×
 * multiplier^(n−1)}, capped at {@code max}, then jittered. A pure function of the attempt number
 * and the random source, which tests seed.
 */
public final class BackoffPolicy {

  private final Duration initial;
  private final Duration max;
  private final double multiplier;
  private final Jitter jitter;
  private final DoubleSupplier random;

  /**
   * @param random uniform values in [0, 1); tests pass a seeded or fixed source
   */
  public BackoffPolicy(
      Duration initial, Duration max, double multiplier, Jitter jitter, DoubleSupplier random) {
    this.initial = Objects.requireNonNull(initial, "initial");
    this.max = Objects.requireNonNull(max, "max");
    this.multiplier = multiplier;
    this.jitter = Objects.requireNonNull(jitter, "jitter");
    this.random = Objects.requireNonNull(random, "random");
    if (initial.isNegative() || max.compareTo(initial) < 0 || multiplier < 1.0) {
      throw new IllegalArgumentException(
          "backoff needs 0 <= initial <= max and multiplier >= 1 (was initial="
              + initial
              + ", max="
              + max
              + ", multiplier="
              + multiplier
              + ")");
    }
  }

  /** The delay before the retry that follows failed attempt {@code attempt} (1-based). */
  public Duration delayAfter(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt is 1-based (was " + attempt + ")");
    }
    double capMillis = max.toMillis();
    // Computed in double so that a large attempt number saturates at max instead of overflowing.
    double base = Math.min(capMillis, initial.toMillis() * Math.pow(multiplier, attempt - 1.0));
    double delay =
        switch (jitter) {
          case NONE -> base;
          case FULL -> base * random.getAsDouble();
          case EQUAL -> base / 2 + (base / 2) * random.getAsDouble();
        };
    return Duration.ofMillis(Math.round(delay));
  }

  public Duration initial() {
    return initial;
  }

  public Duration max() {
    return max;
  }

  public double multiplier() {
    return multiplier;
  }

  public Jitter jitter() {
    return jitter;
  }
}
