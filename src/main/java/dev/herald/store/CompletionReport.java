package dev.herald.store;

import dev.herald.domain.Failure;
import java.util.List;

/**
 * What {@link RouteStore#complete} did with each outcome, in the order given.
 *
 * @param results one per outcome
 * @param sinkError null, or the error with which the server refused an append (Redis out of memory,
 *     read-only): routes from that one on were left leased and untouched, so they keep their
 *     attempts; the worker sends them again under the same lease (or they come back when it runs
 *     out)
 */
public record CompletionReport(List<RouteResult> results, String sinkError) {

  public CompletionReport {
    results = List.copyOf(results);
  }

  public long count(Status status) {
    return results.stream().filter(r -> r.status() == status).count();
  }

  /** How one outcome ended. */
  public enum Status {
    /** Appended to its stream and marked published. */
    PUBLISHED,
    /** Scheduled for a retry (after a failure here or reported by the worker). */
    RETRY_SCHEDULED,
    /** Became a dead letter. */
    DEAD_LETTERED,
    /** Not tried, uncharged: its stream's breaker is open; it comes back when it half-opens. */
    DEFERRED,
    /**
     * Not appended, uncharged: the stream refused it for a reason that is not the route's (the key
     * holds another type, the user may not write it), or it was the probe of an open breaker and
     * failed; {@link RouteResult#failure()} says why. It waits to be tried again.
     */
    REFUSED,
    /** The lease is no longer ours: another worker owns the route, or it moved on. Counted. */
    LEASE_LOST,
    /** Not tried because the stream could not take appends; see {@link #sinkError()}. */
    SINK_UNAVAILABLE,
    /**
     * Not appended: the notification's {@code expires_at} had passed (or its retry would come after
     * it). The route ended expired.
     */
    EXPIRED
  }

  /**
   * @param outcome what the worker asked for the route
   * @param entryId the stream entry id when published, else null
   * @param failure the failure recorded when the append itself failed, else null
   */
  public record RouteResult(RouteOutcome outcome, Status status, String entryId, Failure failure) {

    public ClaimedRoute route() {
      return outcome.route();
    }
  }
}
