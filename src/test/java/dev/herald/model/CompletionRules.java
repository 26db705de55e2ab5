package dev.herald.model;

import dev.herald.domain.FailureKind;
import dev.herald.domain.RouteState;
import dev.herald.store.ClaimedRoute;
import dev.herald.store.CompletionReport;
import dev.herald.store.CompletionReport.RouteResult;
import dev.herald.store.CompletionReport.Status;
import dev.herald.store.RouteOutcome;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The model's rules for completions (RouteStore's contract, README "How it works"): a completion
 * changes a route only while its group's lease has the caller's token; a publish appends and marks
 * published, or (the stream refusing) is a charged failure, or an uncharged one for a probe; a
 * retry, dead letter or deferral is recorded as asked; at or after {@code expires_at} nothing is
 * appended and the route ends expired (a retry due after it, too). With the server refusing writes
 * (OOM) the first append refused and every route after it in the call are left leased and
 * untouched.
 */
final class CompletionRules {

  private final RouteModel model;

  CompletionRules(RouteModel model) {
    this.model = model;
  }

  private record Prediction(
      RouteOutcome outcome, ModelNotification n, ModelRoute r, Status status, boolean ours) {}

  /**
   * Checks a completion's report against the model's prediction and applies it.
   *
   * @param report null when the reply was lost after Redis ran the script: the whole prediction
   *     applies
   * @param serverRefusesWrites OOM was injected: routes may come back {@link
   *     Status#SINK_UNAVAILABLE} from the first refused append on
   */
  void completed(
      String token,
      long now,
      List<RouteOutcome> outcomes,
      Set<String> brokenStreams,
      CompletionReport report,
      boolean serverRefusesWrites) {
    Map<ClaimedRoute, Prediction> predictions = new IdentityHashMap<>();
    List<Prediction> ordered = new ArrayList<>();
    for (RouteOutcome o : outcomes) {
      Prediction p = predict(token, now, o, brokenStreams);
      predictions.put(o.route(), p);
      ordered.add(p);
    }
    Map<ModelNotification, Set<Integer>> interrupted = new IdentityHashMap<>();
    if (report == null) {
      ordered.forEach(p -> apply(p, now, null));
    } else {
      Mismatch.check(
          report.results().size() == outcomes.size(),
          "complete %s reported %d results for %d outcomes",
          token,
          report.results().size(),
          outcomes.size());
      boolean sinkSeen = false;
      for (RouteResult result : report.results()) {
        Prediction p = predictions.get(result.route());
        Mismatch.check(p != null, "complete %s reported a route it was not given", token);
        String what = describe(p);
        if (result.status() == Status.SINK_UNAVAILABLE) {
          Mismatch.check(
              serverRefusesWrites,
              "complete %s left %s unavailable though the server took writes",
              token,
              what);
          Mismatch.check(
              sinkSeen
                  || (p.ours()
                      && p.outcome() instanceof RouteOutcome.Publish
                      && p.status() != Status.EXPIRED),
              "complete %s: the first route left unavailable, %s, tried no append (predicted %s)",
              token,
              what,
              p.status());
          sinkSeen = true;
          if (p.n() != null) {
            interrupted
                .computeIfAbsent(p.n(), k -> new HashSet<>())
                .add(ModelNotification.groupOf(p.r().index));
          }
        } else {
          Mismatch.check(
              !sinkSeen,
              "complete %s: %s came back %s after an append was refused for the server",
              token,
              what,
              result.status());
          Mismatch.check(
              result.status() == p.status(),
              "complete %s at %d: %s came back %s; the model predicted %s",
              token,
              now,
              what,
              result.status(),
              p.status());
          apply(p, now, result.entryId());
        }
      }
    }
    for (Prediction p : ordered) {
      if (p.ours()) {
        int first = ModelNotification.groupOf(p.r().index);
        if (!interrupted.getOrDefault(p.n(), Set.of()).contains(first)) {
          p.n().leases.remove(first);
        }
      }
    }
  }

  private static String describe(Prediction p) {
    return p.r() == null
        ? "route #" + p.outcome().route().index() + " of " + p.outcome().route().notificationId()
        : p.r() + " of " + p.n();
  }

  private Prediction predict(String token, long now, RouteOutcome o, Set<String> brokenStreams) {
    ClaimedRoute cr = o.route();
    ModelNotification n = model.live(cr.notificationId());
    if (n == null || cr.index() >= n.routes.size()) {
      return new Prediction(o, n, null, Status.LEASE_LOST, false);
    }
    ModelRoute r = n.routes.get(cr.index());
    GroupLease lease = n.lease(cr.index());
    if (lease == null || !lease.token().equals(token)) {
      return new Prediction(o, n, r, Status.LEASE_LOST, false);
    }
    if (!r.waiting()) {
      throw new IllegalStateException("model: " + r + " of " + n + " is leased but not waiting");
    }
    Long exp = n.expiresAt;
    boolean retryTooLate =
        o instanceof RouteOutcome.Retry retry
            && exp != null
            && retry.retryAt().toEpochMilli() >= exp;
    if (n.expiredAt(now) || retryTooLate) {
      return new Prediction(o, n, r, Status.EXPIRED, true);
    }
    Status status;
    if (o instanceof RouteOutcome.Defer) {
      status = Status.DEFERRED;
    } else if (o instanceof RouteOutcome.Publish p) {
      if (!brokenStreams.contains(p.event().channel().stream())) {
        status = Status.PUBLISHED;
      } else {
        status =
            p.probe() || p.retryAtIfAppendFails() != null
                ? Status.RETRY_SCHEDULED
                : Status.DEAD_LETTERED;
      }
    } else if (o instanceof RouteOutcome.Retry) {
      status = Status.RETRY_SCHEDULED;
    } else {
      status = Status.DEAD_LETTERED;
    }
    return new Prediction(o, n, r, status, true);
  }

  private void apply(Prediction p, long now, String entryId) {
    ModelNotification n = p.n();
    ModelRoute r = p.r();
    RouteOutcome o = p.outcome();
    switch (p.status()) {
      case LEASE_LOST -> model.stats.add("lease_conflicts", 1);
      case EXPIRED -> {
        // A publish or deferral that did not happen is no attempt; a failure the worker reports is.
        boolean tried = o instanceof RouteOutcome.Retry || o instanceof RouteOutcome.DeadLetter;
        n.end(r, RouteState.EXPIRED, tried ? r.attempts + 1 : r.attempts, now);
        model.totals.add("expired:" + n.type(), 1);
        model.stats.add("expired", 1);
        model.finish(n, 1, now);
      }
      case DEFERRED -> {
        r.waitUntil(r.attempts, ((RouteOutcome.Defer) o).until().toEpochMilli());
        model.stats.add("deferred", 1);
      }
      case PUBLISHED -> {
        n.end(r, RouteState.PUBLISHED, r.attempts + 1, now);
        r.entryId = entryId;
        model.totals.add("published:" + n.type(), 1);
        model.stats.add("published", 1);
        model.appendsThisStep.put(RouteModel.eventId(n, r), r);
        model.finish(n, 1, now);
      }
      case RETRY_SCHEDULED -> {
        int attempt = r.attempts + 1;
        if (o instanceof RouteOutcome.Publish publish) {
          String kind = FailureKind.GATEWAY_STREAM_PUBLISH_FAILED.wireName();
          r.waitUntil(
              publish.probe() ? r.attempts : attempt,
              publish.retryAtIfAppendFails().toEpochMilli());
          r.recordFailure(kind, attempt, model.historyCap);
        } else {
          RouteOutcome.Retry retry = (RouteOutcome.Retry) o;
          r.waitUntil(attempt, retry.retryAt().toEpochMilli());
          r.recordFailure(retry.failure().kind().wireName(), attempt, model.historyCap);
        }
        model.stats.add("retried", 1);
      }
      case DEAD_LETTERED -> {
        String kind =
            o instanceof RouteOutcome.DeadLetter dead
                ? dead.failure().kind().wireName()
                : FailureKind.GATEWAY_STREAM_PUBLISH_FAILED.wireName();
        int attempt = r.attempts + 1;
        n.end(r, RouteState.DEAD_LETTER, attempt, now);
        r.deadClassification = kind;
        r.recordFailure(kind, attempt, model.historyCap);
        model.stats.add("dead_lettered", 1);
      }
      default -> throw new IllegalStateException("no such prediction: " + p.status());
    }
  }
}
