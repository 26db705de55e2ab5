package dev.herald.loop;

import dev.herald.logging.RateLimitedLog;
import dev.herald.store.StoreAccessDeniedException;
import dev.herald.store.StoreOutcomeUnknownException;
import dev.herald.store.StoreUnavailableException;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * The catch ladder of a loop that works against the store: a failed round is classified once (Redis
 * unavailable, Redis refusing Herald, anything else), logged rate-limited (a new kind of trouble at
 * once) and answered with a pause that grows with the failures in a row; the first round that goes
 * through again says so, once. One per loop, shared by its threads (so that they share the rate
 * limit); each thread counts its failures in a {@link Streak} of its own.
 */
public final class StoreFailures {

  /**
   * The words of the log lines.
   *
   * @param subject what resumes: {@code publishing}, {@code intake}
   * @param round what failed: {@code publish cycle}, {@code intake round}
   * @param prefix put before the store's own message ({@code ""}, {@code "intake: "})
   * @param afterUnknownOutcome added when no reply came (the store may have done the work)
   */
  public record Terms(String subject, String round, String prefix, String afterUnknownOutcome) {}

  private final Logger log;
  private final RateLimitedLog trouble;
  private final Backoff backoff;
  private final Terms terms;

  public StoreFailures(Logger log, Backoff backoff, Terms terms) {
    this.log = log;
    this.trouble = new RateLimitedLog(log, Duration.ofSeconds(10));
    this.backoff = backoff;
    this.terms = terms;
  }

  /** The loop's rate-limited log, for trouble of its own (a stream refusing appends). */
  public RateLimitedLog trouble() {
    return trouble;
  }

  public Backoff backoff() {
    return backoff;
  }

  /** A count of failures in a row, for one thread. */
  public Streak streak() {
    return new Streak();
  }

  /** The failures in a row of one thread. */
  public final class Streak {
    private int inARow;

    private Streak() {}

    /** After a round that went through: the first one after failures says that Redis is back. */
    public void succeeded() {
      if (inARow > 0) {
        log.info(
            "Redis answers again; {} resumed after {} failed round(s)", terms.subject(), inARow);
        trouble.resetAll("store");
        inARow = 0;
      }
    }

    /** Classifies and logs a failed round; returns how long to pause before the next one. */
    public Duration failed(RuntimeException e) {
      inARow++;
      if (e instanceof StoreUnavailableException) {
        trouble.warn(
            RateLimitedLog.troubleKey("store", e),
            terms.prefix() + "{}; backing off (failure {} in a row){}",
            e.getMessage(),
            inARow,
            e instanceof StoreOutcomeUnknownException ? terms.afterUnknownOutcome() : "");
        return backoff.after(inARow);
      }
      if (e instanceof StoreAccessDeniedException) {
        trouble.error("store", terms.prefix() + "{}; fix redis.url or the ACL", e.getMessage());
        return backoff.max();
      }
      trouble.error("cycle", "{} failed: {}", terms.round(), e.toString(), e);
      return backoff.after(inARow);
    }
  }
}
