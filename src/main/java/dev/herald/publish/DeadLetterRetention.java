package dev.herald.publish;

import java.time.Duration;
import java.util.Optional;

/**
 * The caps the {@link Janitor} keeps dead letters within; empty caps keep them all.
 *
 * @param maxCount most dead letters kept
 * @param maxAge oldest dead letter kept
 */
public record DeadLetterRetention(Optional<Long> maxCount, Optional<Duration> maxAge) {

  public static final DeadLetterRetention KEEP_ALL =
      new DeadLetterRetention(Optional.empty(), Optional.empty());

  public boolean keepsAll() {
    return maxCount.isEmpty() && maxAge.isEmpty();
  }
}
