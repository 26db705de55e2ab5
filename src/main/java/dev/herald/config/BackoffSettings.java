package dev.herald.config;

import dev.herald.backoff.Jitter;
import java.time.Duration;

/** Retry delay after failed attempt n: initial × multiplier^(n−1), capped at max, jittered. */
public record BackoffSettings(Duration initial, Duration max, Double multiplier, Jitter jitter) {
  public BackoffSettings {
    initial = initial == null ? Duration.ofSeconds(1) : initial;
    max = max == null ? Duration.ofMinutes(5) : max;
    multiplier = multiplier == null ? 2.0 : multiplier;
    jitter = jitter == null ? Jitter.EQUAL : jitter;
  }

  static BackoffSettings defaults() {
    return new BackoffSettings(null, null, null, null);
  }
}
