package dev.herald.publish;

import dev.herald.store.RouteStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes finished notifications once their retention ran out, a slice at a time so that Redis is
 * never blocked for long. Run by one worker between batches.
 */
public final class Janitor {

  private static final Logger LOG = LoggerFactory.getLogger(Janitor.class);
  private static final int SLICE = 500;
  private static final Duration PERIOD = Duration.ofSeconds(5);

  private final RouteStore store;
  private final Clock clock;
  private Instant nextRun = Instant.MIN;

  public Janitor(RouteStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Runs when its period has passed; returns the notifications deleted. */
  public int runIfDue() {
    Instant now = clock.instant();
    if (now.isBefore(nextRun)) {
      return 0;
    }
    int deleted = store.retireFinished(now, SLICE);
    // A full slice means more are waiting: come back at once rather than after the period.
    nextRun = deleted == SLICE ? now : now.plus(PERIOD);
    if (deleted > 0) {
      LOG.debug("deleted {} finished notifications past their retention", deleted);
    }
    return deleted;
  }
}
