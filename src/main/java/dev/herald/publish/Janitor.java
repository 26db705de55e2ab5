package dev.herald.publish;

import dev.herald.store.DeadLetterStore;
import dev.herald.store.DeadLetterStore.RetentionPurge;
import dev.herald.store.RouteStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Housekeeping, a slice at a time so that Redis is never blocked for long: deletes finished
 * notifications once their retention ran out, and purges the oldest dead letters beyond the
 * dead-letter retention (never silently: a WARN line with the count, a stats counter, a listener
 * event). Run by one worker between batches.
 */
public final class Janitor {

  private static final Logger LOG = LoggerFactory.getLogger(Janitor.class);
  private static final int SLICE = 500;
  private static final Duration PERIOD = Duration.ofSeconds(5);
  private static final Duration WARN_EVERY = Duration.ofSeconds(10);

  private final RouteStore store;
  private final DeadLetterStore deadLetters;
  private final Supplier<DeadLetterRetention> retention;
  private final Clock clock;
  private final PublisherListener listener;
  private Instant nextRun = Instant.MIN;
  private Instant lastWarning = Instant.MIN;
  private long unreportedByCount;
  private long unreportedByAge;

  /** A janitor that keeps every dead letter. */
  public Janitor(RouteStore store, Clock clock) {
    this(store, null, () -> DeadLetterRetention.KEEP_ALL, clock, PublisherListener.NONE);
  }

  /**
   * @param retention read on each run, so that a reloaded config applies at once
   */
  public Janitor(
      RouteStore store,
      DeadLetterStore deadLetters,
      Supplier<DeadLetterRetention> retention,
      Clock clock,
      PublisherListener listener) {
    this.store = store;
    this.deadLetters = deadLetters;
    this.retention = retention;
    this.clock = clock;
    this.listener = listener;
  }

  /** Runs when its period has passed; returns the notifications deleted and routes purged. */
  public int runIfDue() {
    Instant now = clock.instant();
    if (now.isBefore(nextRun)) {
      return 0;
    }
    int deleted = store.retireFinished(now, SLICE);
    int purged = purgeDeadLetters(now);
    // A full slice means more are waiting: come back at once rather than after the period.
    nextRun = deleted == SLICE || purged == SLICE ? now : now.plus(PERIOD);
    if (deleted > 0) {
      LOG.debug("deleted {} finished notifications past their retention", deleted);
    }
    return deleted + purged;
  }

  private int purgeDeadLetters(Instant now) {
    DeadLetterRetention caps = retention.get();
    if (deadLetters == null || caps.keepsAll()) {
      return 0;
    }
    RetentionPurge purged =
        deadLetters.purgeOldest(caps.maxCount(), caps.maxAge().map(now::minus), now, SLICE);
    if (purged.byCount() > 0) {
      listener.onDeadLettersPurged(purged.byCount(), "max-count");
    }
    if (purged.byAge() > 0) {
      listener.onDeadLettersPurged(purged.byAge(), "max-age");
    }
    unreportedByCount += purged.byCount();
    unreportedByAge += purged.byAge();
    boolean caughtUp = purged.total() < SLICE;
    if (unreportedByCount + unreportedByAge > 0
        && (caughtUp || !now.isBefore(lastWarning.plus(WARN_EVERY)))) {
      List<String> reasons = new ArrayList<>();
      if (unreportedByCount > 0) {
        reasons.add(
            unreportedByCount + " beyond dead-letters.max-count " + caps.maxCount().orElseThrow());
      }
      if (unreportedByAge > 0) {
        reasons.add(
            unreportedByAge
                + " older than dead-letters.max-age (dead before "
                + now.minus(caps.maxAge().orElseThrow())
                + ")");
      }
      LOG.warn(
          "purged {} dead letter(s), oldest first: {}; they can no longer be requeued (raise the"
              + " caps to keep more)",
          unreportedByCount + unreportedByAge,
          String.join(", ", reasons));
      unreportedByCount = 0;
      unreportedByAge = 0;
      lastWarning = now;
    }
    return purged.total();
  }
}
