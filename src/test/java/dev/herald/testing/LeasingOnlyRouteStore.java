package dev.herald.testing;

import dev.herald.store.ClaimedBatch;
import dev.herald.store.CompletionReport;
import dev.herald.store.RouteOutcome;
import dev.herald.store.RouteStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A route store whose claims never publish inline (the interface's default drops the channels):
 * every due route is leased, encoded and completed, for tests of the completion path.
 */
public final class LeasingOnlyRouteStore implements RouteStore {

  private final RouteStore store;

  public LeasingOnlyRouteStore(RouteStore store) {
    this.store = store;
  }

  @Override
  public ClaimedBatch claimDue(
      Instant now, Duration lease, String leaseToken, int maxRoutes, long maxBytes) {
    return store.claimDue(now, lease, leaseToken, maxRoutes, maxBytes);
  }

  @Override
  public CompletionReport complete(
      String leaseToken, Instant now, List<RouteOutcome> outcomes, Instant refusedRetryAt) {
    return store.complete(leaseToken, now, outcomes, refusedRetryAt);
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
