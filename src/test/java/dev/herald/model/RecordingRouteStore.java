package dev.herald.model;

import dev.herald.store.ClaimRequest;
import dev.herald.store.ClaimedBatch;
import dev.herald.store.CompletionReport;
import dev.herald.store.RouteOutcome;
import dev.herald.store.RouteStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The route store a {@link dev.herald.publish.PublishCycle} under test runs on: it passes each call
 * to the real store and notes what was asked and answered, so that the model can follow the cycle.
 * Its calls may be sent through another connection (one whose reply gets lost). The calls are kept
 * in the order they were made: a cycle that holds a batch the server refused sends it again before
 * it claims.
 */
final class RecordingRouteStore implements RouteStore {

  /** One call of the cycle to the store. */
  sealed interface Call permits Claim, Completion {}

  /**
   * A claim as the cycle made it; {@code batch} null when it threw {@code error}.
   *
   * @param dueGroups schedule entries due at {@code now} just before the claim
   */
  record Claim(
      Instant now,
      Duration lease,
      String token,
      int max,
      long maxBytes,
      long dueGroups,
      ClaimedBatch batch,
      RuntimeException error)
      implements Call {}

  /**
   * A completion as the cycle made it; {@code report} null when it threw {@code error}.
   *
   * @param window when its expiry check ran, as far as the model can know
   */
  record Completion(
      String token,
      Instant now,
      Instant refusedRetryAt,
      ExpiryWindow window,
      List<RouteOutcome> outcomes,
      CompletionReport report,
      RuntimeException error)
      implements Call {}

  private final TimedRouteStore direct;
  private final ToLongFunction<Instant> dueGroups;
  private TimedRouteStore via;
  final List<Call> calls = new ArrayList<>();

  /**
   * @param dueGroups how many schedule entries are due at a time (read just before each claim)
   */
  RecordingRouteStore(TimedRouteStore direct, ToLongFunction<Instant> dueGroups) {
    this.direct = direct;
    this.dueGroups = dueGroups;
    this.via = direct;
  }

  /** Forgets what was recorded; claims and completions go to {@code store} until the next reset. */
  void reset(TimedRouteStore store) {
    calls.clear();
    via = store;
  }

  /** The cycle's claims, publishing its inline channels' routes as the daemon's do. */
  @Override
  public ClaimedBatch claimDue(ClaimRequest r) {
    long due = dueGroups.applyAsLong(r.now());
    try {
      ClaimedBatch batch = via.claimDue(r);
      calls.add(
          new Claim(
              r.now(), r.lease(), r.leaseToken(), r.maxRoutes(), r.maxBytes(), due, batch, null));
      return batch;
    } catch (RuntimeException e) {
      calls.add(
          new Claim(r.now(), r.lease(), r.leaseToken(), r.maxRoutes(), r.maxBytes(), due, null, e));
      throw e;
    }
  }

  @Override
  public CompletionReport complete(
      String leaseToken, Instant now, List<RouteOutcome> outcomes, Instant refusedRetryAt) {
    List<RouteOutcome> copy = List.copyOf(outcomes);
    try {
      CompletionReport report = via.complete(leaseToken, now, outcomes, refusedRetryAt);
      calls.add(
          new Completion(leaseToken, now, refusedRetryAt, via.lastWindow(), copy, report, null));
      return report;
    } catch (RuntimeException e) {
      calls.add(new Completion(leaseToken, now, refusedRetryAt, via.lastWindow(), copy, null, e));
      throw e;
    }
  }

  @Override
  public Map<String, String> deniedStreams(Collection<String> streams) {
    return direct.deniedStreams(streams);
  }

  @Override
  public int retireFinished(Instant now, int limit) {
    return direct.retireFinished(now, limit);
  }
}
