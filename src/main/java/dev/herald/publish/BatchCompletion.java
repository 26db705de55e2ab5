package dev.herald.publish;

import dev.herald.store.CompletionReport;
import dev.herald.store.CompletionReport.RouteResult;
import dev.herald.store.CompletionReport.Status;
import dev.herald.store.RouteOutcome;
import dev.herald.store.RouteStore;
import dev.herald.store.StoreAccessDeniedException;
import dev.herald.store.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The completion of one claimed batch, sent until every route of it is recorded.
 *
 * <ul>
 *   <li>When the server refuses writes (OOM, READONLY, …, or the call fails on the way), the routes
 *       not recorded stay untouched under the batch's lease, uncharged: the worker sends them
 *       again, under the same lease, while the lease lasts. Sending twice is safe: a route is
 *       changed only while its lease is the batch's, and a completion that ran releases it.
 *   <li>When the ACL does not let Herald write a stream, Redis refuses the whole call: the routes
 *       of the streams it may not write are deferred, uncharged, and the call sent again at once.
 * </ul>
 *
 * <p>A probe's verdict always arrives: from its result, or {@link SinkBreaker#onProbeLost} when the
 * batch is given up.
 */
final class BatchCompletion {

  private final RouteStore store;
  private final SinkBreaker breaker;
  private final ResultReporter reporter;
  private final PublisherListener listener;
  private final String token;
  private final Instant leaseUntil;
  private final Duration lease;
  private List<RouteOutcome> pending;
  private String sinkError;
  private boolean onlyDeferred = true;

  BatchCompletion(
      RouteStore store,
      SinkBreaker breaker,
      ResultReporter reporter,
      PublisherListener listener,
      String token,
      Instant leaseUntil,
      Duration lease,
      List<RouteOutcome> outcomes) {
    this.store = store;
    this.breaker = breaker;
    this.reporter = reporter;
    this.listener = listener;
    this.token = token;
    this.leaseUntil = leaseUntil;
    this.lease = lease;
    this.pending = outcomes;
  }

  /**
   * Sends the outcomes not recorded yet. Returns true when none is left. A {@link
   * StoreUnavailableException} leaves them all to be sent again; any other failure gives them up.
   */
  boolean send(Instant now) {
    CompletionReport report;
    try {
      report = complete(now);
    } catch (StoreUnavailableException e) {
      sinkError = e.getMessage();
      throw e;
    } catch (RuntimeException e) {
      abandon();
      throw e;
    }
    List<RouteOutcome> left = new ArrayList<>();
    for (RouteResult result : report.results()) {
      if (result.status() == Status.SINK_UNAVAILABLE) {
        left.add(result.outcome());
      }
      if (result.status() != Status.DEFERRED && result.status() != Status.REFUSED) {
        onlyDeferred = false;
      }
      reporter.report(result, now, lease);
    }
    pending = left;
    sinkError = report.sinkError();
    if (sinkError != null) {
      listener.onSinkUnavailable(sinkError);
    }
    return pending.isEmpty();
  }

  private CompletionReport complete(Instant now) {
    Instant refusedRetryAt = now.plus(SinkBreaker.FIRST_COOL_DOWN);
    try {
      return store.complete(token, now, pending, refusedRetryAt);
    } catch (StoreAccessDeniedException e) {
      Set<String> streams = new LinkedHashSet<>();
      pending.forEach(
          o -> {
            if (o.appends()) {
              streams.add(o.stream());
            }
          });
      Map<String, String> denied = store.deniedStreams(streams);
      if (denied.isEmpty()) {
        throw e; // Herald's own keys: a configuration problem, not a stream's
      }
      denied.forEach(reporter::denied);
      List<RouteOutcome> allowed = new ArrayList<>(pending.size());
      for (RouteOutcome o : pending) {
        if (o.appends() && denied.containsKey(o.stream())) {
          allowed.add(new RouteOutcome.Defer(o.route(), o.stream(), breaker.reopensAt(o.stream())));
        } else {
          allowed.add(o);
        }
      }
      pending = allowed;
      return store.complete(token, now, pending, refusedRetryAt);
    }
  }

  /** True once the batch's lease has run out: its routes are claimed again, not sent. */
  boolean leaseRanOut(Instant now) {
    return !now.isBefore(leaseUntil);
  }

  /** Gives up the routes not recorded: they come back when their lease runs out. */
  void abandon() {
    for (RouteOutcome o : pending) {
      if (o.probes()) {
        breaker.onProbeLost(o.stream());
      }
    }
    pending = List.of();
  }

  /** The server refusal that left routes to be sent again, or null. */
  String sinkError() {
    return sinkError;
  }

  /** Every route sent so far was deferred or refused, uncharged: nothing else happened. */
  boolean onlyDeferred() {
    return onlyDeferred;
  }
}
