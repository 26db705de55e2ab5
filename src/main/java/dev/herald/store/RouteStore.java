package dev.herald.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The publisher's port to the schedule and the route states.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>{@link #claimDue} leases only routes that are due at {@code now}: pending or failed routes
 *       whose next attempt time has come, and leased routes whose lease ran out before {@code now}.
 *       A leased route is not handed to anyone else until its lease runs out.
 *   <li>Each claim uses a fresh lease token. {@link #complete} acts on a route only while the route
 *       is still leased with that token; otherwise it reports {@link
 *       CompletionReport.Status#LEASE_LOST} and changes nothing. A completion that arrives after
 *       the lease ran out still succeeds if nobody claimed the route in between.
 *   <li>For a {@link RouteOutcome.Publish}, the stream append and the route's move to published
 *       happen in one atomic step: a route is appended at most once, and is never marked published
 *       without its entry.
 *   <li>Time is the caller's: {@code now} is passed in, never read from the host clock. One guard
 *       reads Redis's clock: a completion judges expiry by the later of {@code now} and Redis's
 *       clock as it runs (moved into the caller's time base, as it stood to Redis's at the last
 *       claim), so that a completion Redis runs late never appends after {@code expires_at}.
 *   <li>Inline publishing: a claim given {@code inline} channels may publish due routes of those
 *       channels itself, in its one atomic step, instead of leasing them ({@link
 *       ClaimedBatch#published}): each appended exactly as a {@link RouteOutcome.Publish} of its
 *       event would be and recorded published, never appended at or after {@code expires_at}
 *       (judged as a completion judges it). A route it cannot publish so (a record or payload the
 *       worker must judge, a refused append, which costs no attempt) is leased as without it.
 *   <li>A batch costs one round trip for the claim and one for the completion (none when the claim
 *       published every route inline).
 *   <li>Transient Redis trouble throws {@link StoreUnavailableException}; nothing half-done is left
 *       behind by a throw (each call is one atomic script).
 * </ul>
 */
public interface RouteStore {

  /** The default of {@code publisher.batch-bytes}: 4 MiB of events per batch. */
  int DEFAULT_BATCH_BYTES = 4 * 1024 * 1024;

  /** Leases (or, inline, publishes) due routes as {@code request} asks. */
  ClaimedBatch claimDue(ClaimRequest request);

  /**
   * {@link #claimDue(ClaimRequest)} of {@link ClaimRequest#of}: the defaults, every route leased.
   */
  default ClaimedBatch claimDue(Instant now, Duration lease, String leaseToken, int maxRoutes) {
    return claimDue(ClaimRequest.of(now, lease, leaseToken, maxRoutes));
  }

  /**
   * Records the outcomes of routes claimed with {@code leaseToken}; see the contract above.
   *
   * @param refusedRetryAt when a route whose stream refused its append for a reason that is not the
   *     route's ({@link CompletionReport.Status#REFUSED}) is due again
   */
  CompletionReport complete(
      String leaseToken, Instant now, List<RouteOutcome> outcomes, Instant refusedRetryAt);

  /** As {@link #complete(String, Instant, List, Instant)}; refused routes are due in a second. */
  default CompletionReport complete(String leaseToken, Instant now, List<RouteOutcome> outcomes) {
    return complete(leaseToken, now, outcomes, now.plusSeconds(1));
  }

  /**
   * Of these streams, those Redis's ACL does not let this connection write, each with Redis's
   * error: a completion that would append to one of them is refused whole ({@code NOPERM}).
   */
  Map<String, String> deniedStreams(Collection<String> streams);

  /**
   * Deletes up to {@code limit} notifications whose routes all finished (published, expired or
   * cancelled) longer ago than the retention, and returns how many. Dead letters keep their
   * notification until they are requeued or purged.
   */
  int retireFinished(Instant now, int limit);
}
