package dev.herald.model;

import dev.herald.store.ClaimRequest;
import dev.herald.store.ClaimedBatch;
import dev.herald.store.CompletionReport;
import dev.herald.store.RouteOutcome;
import dev.herald.store.RouteStore;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One of Herald's route stores, with what the model needs to judge expiry as its completions do.
 * complete.lua judges expiry by the later of the caller's {@code now} and Redis's clock as the
 * script runs, moved into the caller's time base by the offset the store measured at its last claim
 * (or, before any claim, at its first completion): that is, by the {@code now} of that claim plus
 * the real time that has passed since. The test's clock is moved by hand, so only the real time of
 * each call says what that is: this store notes when (real time, the host's clock, which is
 * Redis's, as Redis runs on this host) each measuring call ran, and for each completion the
 * earliest and latest instant its expiry check can have used ({@link ExpiryWindow}).
 */
final class TimedRouteStore implements RouteStore {

  private final RouteStore store;

  /** The caller's now at the last measurement, and the real time (ms) the call ran between. */
  private Long basisNow;

  private long basisFrom;
  private long basisTo;
  private ExpiryWindow lastWindow;

  TimedRouteStore(RouteStore store) {
    this.store = store;
  }

  @Override
  public ClaimedBatch claimDue(ClaimRequest request) {
    long from = System.currentTimeMillis();
    ClaimedBatch batch = store.claimDue(request);
    basisNow = request.now().toEpochMilli();
    basisFrom = from;
    basisTo = System.currentTimeMillis();
    return batch;
  }

  @Override
  public CompletionReport complete(
      String leaseToken, Instant now, List<RouteOutcome> outcomes, Instant refusedRetryAt) {
    long from = System.currentTimeMillis();
    try {
      return store.complete(leaseToken, now, outcomes, refusedRetryAt);
    } finally {
      long to = System.currentTimeMillis();
      long at = now.toEpochMilli();
      if (basisNow == null && !outcomes.isEmpty()) {
        // Never claimed: the store read Redis's clock in this call, just before the script.
        basisNow = at;
        basisFrom = from;
        basisTo = to;
      }
      // One ms to spare either way: Redis's clock and this one are both read in whole ms.
      lastWindow =
          basisNow == null
              ? new ExpiryWindow(at, at)
              : new ExpiryWindow(
                  Math.max(at, basisNow + (from - basisTo) - 1),
                  Math.max(at, basisNow + (to - basisFrom) + 1));
    }
  }

  /** The expiry window of the last completion sent through this store. */
  ExpiryWindow lastWindow() {
    return lastWindow;
  }

  @Override
  public Map<String, String> deniedStreams(Collection<String> streams) {
    return store.deniedStreams(streams);
  }

  @Override
  public int retireFinished(Instant now, int limit) {
    return store.retireFinished(now, limit);
  }
}
