package dev.herald.deadletter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Keeps an operation at or below a rate (items per second) by pausing before each step. */
public final class Pacer {

  /** How a pacer waits; tests pass one that moves a clock instead. */
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final double perSecond;
  private final Clock clock;
  private final Sleeper sleeper;
  private Instant start;
  private long admitted;

  /**
   * @param perSecond items per second; 0 or less means no limit
   */
  public Pacer(double perSecond, Clock clock, Sleeper sleeper) {
    this.perSecond = perSecond;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  public static Pacer unlimited(Clock clock) {
    return new Pacer(0, clock, d -> {});
  }

  public boolean isLimited() {
    return perSecond > 0;
  }

  /** Items per step that keep each pause short (about a quarter second), at most {@code max}. */
  public int stepSize(int max) {
    return isLimited() ? (int) Math.max(1, Math.min(max, Math.floor(perSecond / 4))) : max;
  }

  /**
   * Waits until the items admitted so far have used up their share of the rate, then admits {@code
   * n} more: the k-th item starts no earlier than {@code (k - 1) / perSecond} after the first.
   */
  public void acquire(int n) throws InterruptedException {
    if (start == null) {
      start = clock.instant();
    }
    if (isLimited()) {
      long dueMillis = (long) Math.ceil(admitted * 1000.0 / perSecond);
      Duration wait = Duration.between(clock.instant(), start.plusMillis(dueMillis));
      if (wait.compareTo(Duration.ZERO) > 0) {
        sleeper.sleep(wait);
      }
    }
    admitted += n;
  }
}
