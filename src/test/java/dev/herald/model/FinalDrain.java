package dev.herald.model;

import dev.herald.domain.RouteState;
import dev.herald.store.RouteStore;
import java.time.Instant;
import java.util.List;
import redis.clients.jedis.resps.Tuple;

/**
 * The end of every sequence: the streams are mended, the scripted workers are gone (their leases
 * run out), and the sequence's own publish cycle (its breaker as the sequence left it) runs with
 * the clock moved to each next due time until nothing is due. Then every route must have ended,
 * each published one be in its stream exactly once, and after {@code retention.published} the
 * namespace must hold nothing but the stats hashes, the idempotency keys (they expire with their
 * window, in Redis's own time) and the dead letters with their notifications.
 */
final class FinalDrain {

  /** Rounds in a row in which no route stops waiting before the drain is called stuck. */
  private static final int ROUNDS_WITHOUT_PROGRESS = 100;

  private final World w;
  private final int batchSize;

  FinalDrain(World w, int batchSize) {
    this.w = w;
    this.batchSize = batchSize;
  }

  void run() {
    w.step("final drain: streams mended, workers gone, cycles until nothing is due", this::drain);
    w.checkInvariants();
    w.step("final retention: clock past retention.published, janitor", w::retention);
    w.checkInvariants();
    w.step("final check: every route ended, each published one appended exactly once", this::end);
  }

  private void drain() {
    w.sut.fixStreams();
    w.publish.workers.forEach(ScriptedWorker::release);
    long waiting = waiting();
    int stale = 0;
    int rounds = 0;
    while (true) {
      rounds++;
      int claimed = w.publish.cycle(batchSize, RouteStore.DEFAULT_BATCH_BYTES, Fault.NONE);
      w.checkInvariants();
      long now = waiting();
      stale = now < waiting ? 0 : stale + 1;
      waiting = now;
      Mismatch.check(
          stale < ROUNDS_WITHOUT_PROGRESS,
          "the drain made no progress in %d rounds (at round %d): %d routes still waiting, e.g. %s",
          ROUNDS_WITHOUT_PROGRESS,
          rounds,
          waiting,
          firstWaiting());
      if (claimed > 0) {
        continue;
      }
      List<Tuple> head = w.sut.raw.zrangeWithScores(w.sut.keys.schedule(), 0, 0);
      if (head.isEmpty()) {
        break;
      }
      long next = (long) head.get(0).getScore();
      w.sut.clock.set(Instant.ofEpochMilli(Math.max(next, w.now() + 1)));
    }
    w.note("drained in " + rounds + " rounds");
    Mismatch.check(
        waiting == 0,
        "nothing is scheduled, yet %d routes still wait (no way forward), e.g. %s",
        waiting,
        firstWaiting());
  }

  private long waiting() {
    return w.model.liveNotifications().stream()
        .flatMap(n -> n.routes.stream())
        .filter(ModelRoute::waiting)
        .count();
  }

  private String firstWaiting() {
    for (ModelNotification n : w.model.liveNotifications()) {
      for (ModelRoute r : n.routes) {
        if (r.waiting()) {
          return r + " of " + n + " due " + r.due + ", lease " + n.lease(r.index);
        }
      }
    }
    return "none";
  }

  private void end() {
    long published = 0;
    for (ModelNotification n : w.model.notifications) {
      for (ModelRoute r : n.routes) {
        boolean appended = w.model.appended.containsKey(RouteModel.eventId(n, r));
        Mismatch.check(
            appended == (r.state == RouteState.PUBLISHED),
            "%s of %s ended %s and %s in its stream",
            r,
            n,
            r.state.displayName(),
            appended ? "is" : "is not");
        Mismatch.check(
            r.state != RouteState.PENDING && r.state != RouteState.FAILED,
            "%s of %s never ended",
            r,
            n);
        published += appended ? 1 : 0;
      }
      Mismatch.check(
          n.retired || n.hasDeadLetter(),
          "%s outlived its retention with no dead letter to keep it",
          n);
    }
    long entries = 0;
    for (String stream : w.sut.streams()) {
      entries += w.sut.raw.exists(stream) ? w.sut.raw.xlen(stream) : 0;
    }
    Mismatch.check(
        entries == published,
        "the streams hold %d entries for %d published routes",
        entries,
        published);
    Mismatch.check(
        !w.sut.raw.exists(w.sut.keys.schedule()) && !w.sut.raw.exists(w.sut.keys.retention()),
        "the schedule or the retention index is left after the drain and the retention");
    w.note(published + " routes published, each once");
  }
}
