package dev.herald.model;

import dev.herald.store.ClaimedBatch;
import dev.herald.store.ClaimedRoute;
import dev.herald.store.CompletionReport;
import dev.herald.store.RouteOutcome;
import dev.herald.store.RouteStore;
import dev.herald.store.StoreException;
import dev.herald.store.StoreUnavailableException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Claim and completion steps: by the scripted workers (claim and completion apart) and by the real
 * {@link dev.herald.publish.PublishCycle} (both in one step, its own plan in between).
 */
final class PublishSteps {

  final List<ScriptedWorker> workers =
      List.of(new ScriptedWorker("w0"), new ScriptedWorker("w1"), new ScriptedWorker("w2"));
  private final World w;
  private final List<ScriptedWorker.Mix> mixed;

  /**
   * @param mixed the outcomes a mixed completion picks from
   */
  PublishSteps(World w, List<ScriptedWorker.Mix> mixed) {
    this.w = w;
    this.mixed = mixed;
  }

  /** Worker {@code worker}, or the next one that holds a batch (or none, if none does). */
  private ScriptedWorker next(int worker, boolean holding) {
    for (int i = 0; i < workers.size(); i++) {
      ScriptedWorker sw = workers.get((worker + i) % workers.size());
      if (sw.holding() == holding) {
        return sw;
      }
    }
    return null;
  }

  void claim(int worker, int max, Fault fault) {
    ScriptedWorker sw = next(worker, false);
    if (sw == null) {
      w.note("every worker holds a batch: no claim");
      return;
    }
    String token = sw.nextToken();
    Instant now = w.sut.clock.instant();
    long due = w.sut.dueGroups(now);
    ClaimedBatch batch =
        w.attempt(
            fault, () -> w.sut.routes(fault).claimDue(now, HeraldUnderTest.LEASE, token, max));
    boolean lost = fault.losesReplies() && w.sut.dropped();
    Mismatch.check(
        batch != null || lost || fault == Fault.OOM,
        "claim %s failed with no fault to explain it",
        token);
    afterClaim(token, now, max, RouteStore.DEFAULT_BATCH_BYTES, due, batch, lost, false);
    if (batch != null && batch.routeCount() > 0) {
      sw.hold(token, batch);
    }
  }

  /**
   * The worker completes its batch with the outcomes the step says, or sends again the outcomes the
   * store did not record the last time, under the same lease.
   */
  void complete(int worker, ScriptedWorker.Mix mix, int seed, Fault fault) {
    ScriptedWorker sw = next(worker, true);
    if (sw == null) {
      w.note("no worker holds a batch");
      return;
    }
    Instant now = w.sut.clock.instant();
    String token = sw.token;
    List<RouteOutcome> outcomes;
    if (sw.unsent != null) {
      outcomes = sw.unsent;
      w.note(sw.name + " sends again the " + outcomes.size() + " outcomes not recorded");
    } else {
      outcomes =
          sw.outcomes(mix, mixed, seed, now, w.sut.encoder, HeraldUnderTest.DEFAULT_MAX_ATTEMPTS);
    }
    Instant refusedRetryAt = now.plusSeconds(1);
    TimedRouteStore store = w.sut.routes(fault);
    CompletionReport report =
        w.attempt(fault, () -> store.complete(token, now, outcomes, refusedRetryAt));
    boolean lost = fault.losesReplies() && w.sut.dropped();
    afterCompletion(
        token, now, refusedRetryAt, store.lastWindow(), outcomes, report, fault, lost, null);
    if (report == null) {
      sw.keepUnsent(outcomes);
    } else {
      sw.keepUnsent(
          report.results().stream()
              .filter(r -> r.status() == CompletionReport.Status.SINK_UNAVAILABLE)
              .map(r -> outcomeOf(outcomes, r.route()))
              .toList());
    }
  }

  private static RouteOutcome outcomeOf(List<RouteOutcome> outcomes, ClaimedRoute route) {
    return outcomes.stream().filter(o -> o.route() == route).findFirst().orElseThrow();
  }

  void dies(int worker) {
    ScriptedWorker sw = workers.get(worker);
    w.note(
        sw.name
            + (sw.batch != null
                ? " dies holding " + sw.batch.routeCount()
                : sw.unsent != null
                    ? " dies with " + sw.unsent.size() + " unsent"
                    : " held nothing"));
    sw.release();
  }

  /**
   * One {@link dev.herald.publish.PublishCycle#runOnce()}, with a claim of at most {@code
   * batchSize} routes and {@code batchBytes} of events; returns the routes it claimed.
   */
  int cycle(int batchSize, long batchBytes, Fault fault) {
    w.sut.cycleBatchSize = batchSize;
    w.sut.cycleBatchBytes = batchBytes;
    w.sut.cycleStore.reset(w.sut.routes(fault));
    Integer claimed = null;
    RuntimeException failed = null;
    try {
      claimed = w.sut.under(fault, () -> w.sut.cycle.runOnce().claimed());
    } catch (StoreUnavailableException | StoreException e) {
      failed = e;
    }
    boolean lost = fault.losesReplies() && w.sut.dropped();
    for (RecordingRouteStore.Call call : w.sut.cycleStore.calls) {
      if (call instanceof RecordingRouteStore.Claim c) {
        // A claim whose reply was lost may have leased routes and published others inline.
        afterClaim(
            c.token(),
            c.now(),
            c.max(),
            c.maxBytes(),
            c.dueGroups(),
            c.batch(),
            lost && c.batch() == null,
            true);
      } else if (call instanceof RecordingRouteStore.Completion c) {
        afterCompletion(
            c.token(),
            c.now(),
            c.refusedRetryAt(),
            c.window(),
            c.outcomes(),
            c.report(),
            fault,
            lost && c.report() == null,
            c.error());
      }
    }
    if (failed != null) {
      Mismatch.check(
          fault != Fault.NONE, "the cycle failed with no fault to explain it: %s", failed);
      w.note("the cycle failed: " + failed.getMessage());
    }
    return claimed == null ? 0 : claimed;
  }

  private void afterClaim(
      String token,
      Instant now,
      int max,
      long maxBytes,
      long dueGroups,
      ClaimedBatch batch,
      boolean lost,
      boolean inline) {
    long at = now.toEpochMilli();
    long until = now.plus(HeraldUnderTest.LEASE).toEpochMilli();
    if (batch != null) {
      List<ClaimedRoute> routes = new ArrayList<>();
      batch.notifications().forEach(n -> routes.addAll(n.routes()));
      w.claims.claimed(
          token,
          at,
          until,
          max,
          maxBytes,
          dueGroups,
          routes,
          batch.published(),
          batch.stoppedByBytes());
      if (!batch.published().isEmpty()) {
        w.seen.add("claim published inline");
      }
      w.note(
          token
              + " claimed "
              + routes.size()
              + (batch.published().isEmpty()
                  ? ""
                  : " and published " + batch.published().size() + " inline")
              + (batch.stoppedByBytes() ? " (stopped by its byte budget)" : ""));
      if (batch.stoppedByBytes()) {
        w.seen.add("claim stopped by its byte budget");
      }
    } else if (lost) {
      int published = 0;
      for (ModelNotification n : w.model.liveNotifications()) {
        published += w.claims.adoptLostClaim(token, at, until, n, w.stored(n), inline);
      }
      w.note(
          token
              + ": the claim ran, its reply was lost"
              + (published == 0 ? "" : "; it published " + published + " inline"));
      w.seen.add("claim reply lost");
      if (published > 0) {
        w.seen.add("claim published inline, its reply lost");
      }
    }
    for (ModelNotification n : w.model.liveNotifications()) {
      if (n.expiredAt(at) && n.routes.stream().anyMatch(ModelRoute::waiting)) {
        if (w.claims.adoptExpiry(n, w.stored(n), at) > 0) {
          w.seen.add("expired by a claim");
        }
      }
    }
  }

  /**
   * @param error what the completion threw, if the trace does not say it already
   */
  private void afterCompletion(
      String token,
      Instant now,
      Instant refusedRetryAt,
      ExpiryWindow window,
      List<RouteOutcome> outcomes,
      CompletionReport report,
      Fault fault,
      boolean lost,
      RuntimeException error) {
    long mostOfOne =
        outcomes.stream()
            .collect(
                java.util.stream.Collectors.groupingBy(
                    o -> o.route().notificationId(), java.util.stream.Collectors.counting()))
            .values()
            .stream()
            .mapToLong(x -> x)
            .max()
            .orElse(0);
    if (mostOfOne >= 3_930) {
      w.seen.add("complete of 3,930+ routes of one notification");
    }
    if (lost) {
      w.seen.add("complete reply lost");
    } else if (report != null && report.count(CompletionReport.Status.SINK_UNAVAILABLE) > 0) {
      w.seen.add("complete stopped by OOM");
    }
    if (report != null) {
      if (report.count(CompletionReport.Status.REFUSED) > 0) {
        w.seen.add("append refused by its stream, uncharged");
      }
      if (outcomes.stream().anyMatch(o -> o instanceof RouteOutcome.Follow)
          && report.count(CompletionReport.Status.PUBLISHED) > 0) {
        w.seen.add("follower in a completion that published");
      }
    }
    if (report == null && !lost) {
      Mismatch.check(
          fault == Fault.OOM,
          "complete %s failed with no fault to explain it%s",
          token,
          error == null ? " (see the trace)" : ": " + error);
      w.note(token + " complete failed: nothing written, as RouteStore's contract says");
      return;
    }
    int undecided =
        w.completions.completed(
            token,
            now.toEpochMilli(),
            refusedRetryAt.toEpochMilli(),
            window,
            outcomes,
            w.sut.brokenStreams,
            report,
            fault == Fault.OOM,
            w::stored);
    if (undecided > 0) {
      w.seen.add("expiry inside the window: the store's verdict followed");
    }
    w.note(
        token
            + " completed "
            + outcomes.size()
            + (report == null ? " (reply lost: it ran)" : counts(report))
            + " expiry judged in "
            + window);
  }

  private static String counts(CompletionReport report) {
    StringBuilder s = new StringBuilder(":");
    for (CompletionReport.Status status : CompletionReport.Status.values()) {
      long n = report.count(status);
      if (n > 0) {
        s.append(' ').append(status.name().toLowerCase(Locale.ROOT)).append(' ').append(n);
      }
    }
    return s.toString();
  }
}
