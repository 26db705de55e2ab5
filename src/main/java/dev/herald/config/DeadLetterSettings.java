package dev.herald.config;

import java.time.Duration;

/**
 * The dead-letter retention; both caps are unset (null) by default: keep every dead letter until an
 * operator requeues or purges it.
 *
 * @param maxCount most dead letters kept; beyond it the oldest are purged
 * @param maxAge dead letters older than this are purged
 */
public record DeadLetterSettings(Long maxCount, Duration maxAge) {

  static DeadLetterSettings defaults() {
    return new DeadLetterSettings(null, null);
  }
}
