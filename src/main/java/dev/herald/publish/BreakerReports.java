package dev.herald.publish;

import dev.herald.store.BreakerBoard;
import dev.herald.store.BreakerBoard.StreamBreaker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the store which breakers this process has open ({@link BreakerBoard}), for {@code herald
 * stats}: after each cycle in which one opened or closed, and every {@link #REFRESH} while one is
 * open, so that a report older than {@link BreakerBoard#FRESH} means its process is gone. Shared by
 * the workers of a process; a failed report is tried again after the next cycle.
 */
public final class BreakerReports {

  private static final Logger LOG = LoggerFactory.getLogger(BreakerReports.class);

  static final Duration REFRESH = Duration.ofSeconds(5);

  private final SinkBreaker breaker;
  private final BreakerBoard board;
  private final String process;
  private final Clock clock;
  private long reportedChanges;
  private Instant reportedAt = Instant.MIN;
  private boolean reportedOpen;

  /**
   * @param process names this process in the reports (no {@code |})
   */
  public BreakerReports(SinkBreaker breaker, BreakerBoard board, String process, Clock clock) {
    this.breaker = breaker;
    this.board = board;
    this.process = process;
    this.clock = clock;
  }

  synchronized void reportIfDue() {
    long changes = breaker.changes();
    Instant now = clock.instant();
    boolean refresh = reportedOpen && !now.isBefore(reportedAt.plus(REFRESH));
    if (changes == reportedChanges && !refresh) {
      return;
    }
    List<StreamBreaker> open =
        breaker.open().stream()
            .map(o -> new StreamBreaker(o.stream(), process, o.since(), now, o.reason()))
            .toList();
    try {
      board.report(process, now, open);
      reportedChanges = changes;
      reportedAt = now;
      reportedOpen = !open.isEmpty();
    } catch (RuntimeException e) {
      LOG.debug("reporting the open stream breakers failed ({}); trying again", e.toString());
    }
  }
}
