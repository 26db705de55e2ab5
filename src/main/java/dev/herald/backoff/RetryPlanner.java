package dev.herald.backoff;

import java.time.Instant;
import java.util.Objects;

/**
 * Decides what follows a failed attempt: a retry at a backoff-given time, or a dead letter once the
 * route has used all its attempts.
 */
public final class RetryPlanner {

  private final BackoffPolicy backoff;

  public RetryPlanner(BackoffPolicy backoff) {
    this.backoff = Objects.requireNonNull(backoff, "backoff");
  }

  /**
   * @param attempt the attempt that failed (1-based)
   * @param maxAttempts how many attempts the route gets in all
   * @param failedAt when it failed
   */
  public RetryPlan afterFailure(int attempt, int maxAttempts, Instant failedAt) {
    if (attempt >= maxAttempts) {
      return RetryPlan.giveUp();
    }
    return RetryPlan.retryAt(failedAt.plus(backoff.delayAfter(attempt)));
  }

  public BackoffPolicy backoff() {
    return backoff;
  }

  /** A retry time, or none: the route becomes a dead letter. */
  public record RetryPlan(Instant retryAt) {
    public static RetryPlan giveUp() {
      return new RetryPlan(null);
    }

    public static RetryPlan retryAt(Instant at) {
      return new RetryPlan(Objects.requireNonNull(at));
    }

    public boolean isDeadLetter() {
      return retryAt == null;
    }
  }
}
