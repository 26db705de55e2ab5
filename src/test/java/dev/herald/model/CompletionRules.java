package dev.herald.model;

import dev.herald.domain.RouteState;
import dev.herald.store.ClaimedRoute;
import dev.herald.store.CompletionReport;
import dev.herald.store.CompletionReport.RouteResult;
import dev.herald.store.CompletionReport.Status;
import dev.herald.store.RouteOutcome;
import dev.herald.store.RouteRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The model's rules for completions (RouteStore's contract, README "How it works" and
 * "Guarantees"): a completion changes a route only while its group's lease has the caller's token.
 * At or after {@code expires_at} nothing is appended and the route ends expired (a retry due after
 * it, too), charged only for a failure the worker reports. Otherwise a publish appends and marks
 * published; a stream that refuses appends for a reason of its own (here: its key holds a string)
 * costs no attempt: the route and every later append to that stream in the call wait, uncharged,
 * until the caller's {@code refusedRetryAt}; a follower publishes only behind an append to its
 * stream that got through earlier in the call, else waits like a deferral; a retry, dead letter or
 * deferral is recorded as asked. With the server refusing writes (OOM) either nothing is written
 * (every route comes back unavailable) or the first refused append and every route after it are
 * left leased and untouched.
 *
 * <p>The routes are taken in the order the store takes them: grouped by notification, in the order
 * each notification first appears. Expiry is judged by one instant per call, which the model knows
 * only within an {@link ExpiryWindow}: inside it the model follows the store's verdict, and checks
 * that the verdicts of the call agree with one instant.
 */
final class CompletionRules {

  private final RouteModel model;

  CompletionRules(RouteModel model) {
    this.model = model;
  }

  /**
   * One route's prediction.
   *
   * @param live what becomes of it when its notification has not expired
   * @param tries the call sends its append to Redis, when its notification has not expired
   * @param expiry true or false when decided (by the window, or by the store earlier in the call),
   *     null while either verdict is right
   */
  private record Prediction(
      RouteOutcome outcome,
      ModelNotification n,
      ModelRoute r,
      boolean ours,
      Status live,
      boolean tries,
      Boolean expiry) {

    Status status(boolean expired) {
      return ours && expired ? Status.EXPIRED : live;
    }
  }

  /** What one call has learnt so far, in the order it takes the routes. */
  private final class Call {
    final String token;
    final long now;
    final long refusedRetryAt;
    final ExpiryWindow window;
    final Set<String> broken;
    final Set<String> appended = new HashSet<>();
    final Set<String> refused = new HashSet<>();
    final Map<ModelNotification, Boolean> verdicts = new IdentityHashMap<>();
    long latestExpired = Long.MIN_VALUE;
    long earliestLive = Long.MAX_VALUE;

    Call(String token, long now, long refusedRetryAt, ExpiryWindow window, Set<String> broken) {
      this.token = token;
      this.now = now;
      this.refusedRetryAt = refusedRetryAt;
      this.window = window;
      this.broken = broken;
    }

    Prediction predict(RouteOutcome o) {
      ClaimedRoute cr = o.route();
      ModelNotification n = model.live(cr.notificationId());
      if (n == null || cr.index() >= n.routes.size()) {
        return new Prediction(o, n, null, false, Status.LEASE_LOST, false, false);
      }
      ModelRoute r = n.routes.get(cr.index());
      GroupLease lease = n.lease(cr.index());
      if (lease == null || !lease.token().equals(token)) {
        return new Prediction(o, n, r, false, Status.LEASE_LOST, false, false);
      }
      if (!r.waiting()) {
        throw new IllegalStateException("model: " + r + " of " + n + " is leased but not waiting");
      }
      boolean retryTooLate =
          o instanceof RouteOutcome.Retry retry
              && n.expiresAt != null
              && retry.retryAt().toEpochMilli() >= n.expiresAt;
      Boolean expiry = retryTooLate ? Boolean.TRUE : verdicts.get(n);
      if (expiry == null) {
        expiry = window.expired(n.expiresAt);
      }
      return new Prediction(o, n, r, true, live(o), tries(o), expiry);
    }

    /** The call sends the outcome's append to Redis (unless its notification expired). */
    private boolean tries(RouteOutcome o) {
      String stream = streamOf(o);
      return o instanceof RouteOutcome.Publish && !refused.contains(stream)
          || o instanceof RouteOutcome.Follow && appended.contains(stream);
    }

    /** What becomes of an outcome of ours whose notification has not expired. */
    private Status live(RouteOutcome o) {
      if (o instanceof RouteOutcome.Defer) {
        return Status.DEFERRED;
      }
      if (o instanceof RouteOutcome.Retry) {
        return Status.RETRY_SCHEDULED;
      }
      if (o instanceof RouteOutcome.DeadLetter) {
        return Status.DEAD_LETTERED;
      }
      String stream = streamOf(o);
      if (o instanceof RouteOutcome.Follow && !appended.contains(stream)) {
        return refused.contains(stream) ? Status.REFUSED : Status.DEFERRED;
      }
      return refused.contains(stream) || broken.contains(stream)
          ? Status.REFUSED
          : Status.PUBLISHED;
    }

    /**
     * The store's verdict on the expiry of an undecided notification: the same for all its routes
     * in the call, and one instant for the whole call.
     */
    void learnt(Prediction p, boolean expired) {
      verdicts.put(p.n(), expired);
      if (expired) {
        latestExpired = Math.max(latestExpired, p.n().expiresAt);
      } else {
        earliestLive = Math.min(earliestLive, p.n().expiresAt);
      }
      Mismatch.check(
          latestExpired < earliestLive,
          "complete %s judged a notification expiring at %d expired and one expiring at %d not:"
              + " no one instant does both (window %s)",
          token,
          latestExpired,
          earliestLive,
          window);
    }

    /** After a route's status is known: what it tells later routes of the call. */
    void happened(Prediction p, Status status) {
      String stream = streamOf(p.outcome());
      if (status == Status.PUBLISHED) {
        appended.add(stream);
      } else if (status == Status.REFUSED) {
        refused.add(stream);
      }
    }
  }

  /**
   * Checks a completion's report against the model's prediction and applies it.
   *
   * @param window when the store's expiry check ran, as far as the model can know
   * @param report null when the reply was lost after Redis ran the script: the whole prediction
   *     applies, and the store's expiry verdicts are read from {@code stored}
   * @param serverRefusesWrites OOM was injected: routes may come back {@link
   *     Status#SINK_UNAVAILABLE}
   * @return how many notifications' expiry the window left to the store's verdict
   */
  int completed(
      String token,
      long now,
      long refusedRetryAt,
      ExpiryWindow window,
      List<RouteOutcome> outcomes,
      Set<String> brokenStreams,
      CompletionReport report,
      boolean serverRefusesWrites,
      Function<ModelNotification, List<RouteRecord>> stored) {
    List<RouteOutcome> ordered = inStoreOrder(outcomes);
    Call call = new Call(token, now, refusedRetryAt, window, brokenStreams);
    List<Prediction> made = new ArrayList<>();
    Map<ModelNotification, Set<Integer>> interrupted = new IdentityHashMap<>();
    if (report == null) {
      Map<ModelNotification, List<RouteRecord>> read = new IdentityHashMap<>();
      for (RouteOutcome o : ordered) {
        Prediction p = call.predict(o);
        made.add(p);
        boolean expired = p.expiry() != null && p.expiry();
        if (p.ours() && p.expiry() == null) {
          RouteState s = read.computeIfAbsent(p.n(), stored).get(p.r().index).state();
          expired = s == RouteState.EXPIRED;
          call.learnt(p, expired);
        }
        Status status = p.status(expired);
        call.happened(p, status);
        apply(p, status, now, refusedRetryAt, null);
      }
    } else {
      Mismatch.check(
          report.results().size() == outcomes.size(),
          "complete %s reported %d results for %d outcomes",
          token,
          report.results().size(),
          outcomes.size());
      if (nothingWritten(token, ordered, report, serverRefusesWrites)) {
        return 0; // every lease stays, for the worker to send the batch again
      }
      boolean sinkSeen = false;
      for (int i = 0; i < ordered.size(); i++) {
        RouteOutcome o = ordered.get(i);
        RouteResult result = report.results().get(i);
        Mismatch.check(
            result.route() == o.route(),
            "complete %s reported route #%d of %s at place %d, where the store takes #%d of %s",
            token,
            result.route().index(),
            result.route().notificationId(),
            i,
            o.route().index(),
            o.route().notificationId());
        Prediction p = call.predict(o);
        made.add(p);
        String what = describe(p);
        if (result.status() == Status.SINK_UNAVAILABLE) {
          Mismatch.check(
              serverRefusesWrites,
              "complete %s left %s unavailable though the server took writes",
              token,
              what);
          Mismatch.check(
              sinkSeen || (p.ours() && p.tries() && p.expiry() != Boolean.TRUE),
              "complete %s: the first route left unavailable, %s, tried no append (predicted %s)",
              token,
              what,
              p.live());
          sinkSeen = true;
          if (p.n() != null) {
            interrupted
                .computeIfAbsent(p.n(), k -> new HashSet<>())
                .add(ModelNotification.groupOf(p.r().index));
          }
          continue;
        }
        Mismatch.check(
            !sinkSeen,
            "complete %s: %s came back %s after an append was refused for the server",
            token,
            what,
            result.status());
        boolean expired = p.expiry() != null && p.expiry();
        if (p.ours() && p.expiry() == null) {
          expired = result.status() == Status.EXPIRED;
          Mismatch.check(
              expired || result.status() == p.live(),
              "complete %s at %d: %s came back %s; the model predicted %s or, expiry being %s in"
                  + " %s, EXPIRED",
              token,
              now,
              what,
              result.status(),
              p.live(),
              p.n().expiresAt,
              window);
          call.learnt(p, expired);
        }
        Status status = p.status(expired);
        Mismatch.check(
            result.status() == status,
            "complete %s at %d: %s came back %s; the model predicted %s (expiry window %s)",
            token,
            now,
            what,
            result.status(),
            status,
            window);
        call.happened(p, status);
        apply(p, status, now, refusedRetryAt, result.entryId());
      }
    }
    for (Prediction p : made) {
      if (p.ours()) {
        int first = ModelNotification.groupOf(p.r().index);
        if (!interrupted.getOrDefault(p.n(), Set.of()).contains(first)) {
          p.n().leases.remove(first);
        }
      }
    }
    return call.verdicts.size();
  }

  /**
   * True when the server refused the call's first write, an append: then every route comes back
   * unavailable and nothing is written (Redis refuses a script's first write, and lets it finish
   * once it wrote).
   */
  private boolean nothingWritten(
      String token, List<RouteOutcome> ordered, CompletionReport report, boolean refusesWrites) {
    if (report.results().isEmpty() || report.results().get(0).status() != Status.SINK_UNAVAILABLE) {
      return false;
    }
    if (report.count(Status.SINK_UNAVAILABLE) < report.results().size()) {
      return false; // the first route's own append was refused: checked route by route
    }
    Mismatch.check(
        refusesWrites,
        "complete %s left every route unavailable though the server took writes",
        token);
    boolean anAppendOfOurs =
        ordered.stream()
            .anyMatch(
                o ->
                    (o instanceof RouteOutcome.Publish || o instanceof RouteOutcome.Follow)
                        && ours(token, o.route()));
    Mismatch.check(
        anAppendOfOurs,
        "complete %s left every route unavailable, yet had no append of its own to try",
        token);
    return true;
  }

  private boolean ours(String token, ClaimedRoute cr) {
    ModelNotification n = model.live(cr.notificationId());
    GroupLease lease = n == null ? null : n.lease(cr.index());
    return lease != null && lease.token().equals(token);
  }

  /** The outcomes grouped by notification, each group where its notification first appears. */
  static List<RouteOutcome> inStoreOrder(List<RouteOutcome> outcomes) {
    Map<String, List<RouteOutcome>> byNotification = new LinkedHashMap<>();
    for (RouteOutcome o : outcomes) {
      byNotification.computeIfAbsent(o.route().notificationId(), k -> new ArrayList<>()).add(o);
    }
    List<RouteOutcome> ordered = new ArrayList<>(outcomes.size());
    byNotification.values().forEach(ordered::addAll);
    return ordered;
  }

  private static String streamOf(RouteOutcome o) {
    if (o instanceof RouteOutcome.Publish p) {
      return p.event().channel().stream();
    }
    if (o instanceof RouteOutcome.Follow f) {
      return f.event().channel().stream();
    }
    return o instanceof RouteOutcome.Defer d ? d.stream() : null;
  }

  private static String describe(Prediction p) {
    String outcome = p.outcome().getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    return p.r() == null
        ? "route #" + p.outcome().route().index() + " of " + p.outcome().route().notificationId()
        : p.r() + " of " + p.n() + " (" + outcome + ")";
  }

  private void apply(Prediction p, Status status, long now, long refusedRetryAt, String entryId) {
    ModelNotification n = p.n();
    ModelRoute r = p.r();
    RouteOutcome o = p.outcome();
    switch (status) {
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
        long until =
            o instanceof RouteOutcome.Defer d
                ? d.until().toEpochMilli()
                : ((RouteOutcome.Follow) o).until().toEpochMilli();
        r.waitUntil(r.attempts, until);
        model.stats.add("deferred", 1);
      }
      case REFUSED -> {
        r.waitUntil(r.attempts, refusedRetryAt);
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
        RouteOutcome.Retry retry = (RouteOutcome.Retry) o;
        int attempt = r.attempts + 1;
        r.waitUntil(attempt, retry.retryAt().toEpochMilli());
        r.recordFailure(retry.failure().kind().wireName(), attempt, model.historyCap);
        model.stats.add("retried", 1);
      }
      case DEAD_LETTERED -> {
        String kind = ((RouteOutcome.DeadLetter) o).failure().kind().wireName();
        int attempt = r.attempts + 1;
        n.end(r, RouteState.DEAD_LETTER, attempt, now);
        r.deadClassification = kind;
        r.recordFailure(kind, attempt, model.historyCap);
        model.stats.add("dead_lettered", 1);
      }
      default -> throw new IllegalStateException("no such prediction: " + status);
    }
  }
}
