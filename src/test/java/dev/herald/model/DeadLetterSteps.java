package dev.herald.model;

import dev.herald.domain.RouteState;
import dev.herald.store.DeadLetterStore;
import dev.herald.store.DeadLetterStore.Change;
import dev.herald.store.DeadLetterStore.Route;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Requeue and purge steps, through {@link DeadLetterStore}, in slices as the CLI sends them: either
 * every route of one notification (dead letter or not), or every dead letter there is plus the
 * first route of each notification (mostly not one). Only dead letters may change.
 */
final class DeadLetterSteps {

  /** A route named to a requeue or purge. */
  private record Ref(ModelNotification n, int index) {
    Route route() {
      return new Route(n.id, index);
    }
  }

  private final World w;

  DeadLetterSteps(World w) {
    this.w = w;
  }

  /**
   * @param ordinal the notification whose routes to name, or null for every dead letter
   */
  void requeue(Integer ordinal, boolean keepAttempts, long atOffsetMs) {
    long now = w.now();
    long at = now + atOffsetMs;
    int changed = 0;
    for (List<Ref> slice : slices(refs(ordinal))) {
      List<DeadLetterStore.Requeue> requeues =
          slice.stream()
              .map(r -> new DeadLetterStore.Requeue(r.route(), Instant.ofEpochMilli(at)))
              .toList();
      List<Change> changes =
          w.sut.direct.deadLetters().requeue(requeues, keepAttempts, Instant.ofEpochMilli(now));
      for (int i = 0; i < slice.size(); i++) {
        Ref r = slice.get(i);
        boolean expected =
            !r.n().retired && w.model.requeue(r.n(), r.index(), keepAttempts, at, now);
        changed += check("requeue", r, expected, changes.get(i));
      }
    }
    w.note("requeued " + changed);
  }

  /**
   * @param ordinal the notification whose routes to name, or null for every dead letter
   */
  void purge(Integer ordinal) {
    long now = w.now();
    int changed = 0;
    for (List<Ref> slice : slices(refs(ordinal))) {
      List<Change> changes =
          w.sut
              .direct
              .deadLetters()
              .purge(slice.stream().map(Ref::route).toList(), Instant.ofEpochMilli(now));
      for (int i = 0; i < slice.size(); i++) {
        Ref r = slice.get(i);
        boolean expected = !r.n().retired && w.model.purge(r.n(), r.index(), now);
        changed += check("purge", r, expected, changes.get(i));
      }
    }
    w.note("purged " + changed);
  }

  /**
   * The dead-letter retention ({@code dead-letters.max-count}, {@code max-age}), one slice of at
   * most {@code limit}: the oldest dead letters beyond the count, or dead for longer than the age,
   * are purged, oldest first (dead since, then the index entry's name), each counted for the age
   * when it is past it.
   *
   * @param keep null for no count cap
   * @param maxAgeMs null for no age cap
   */
  void retention(Long keep, Long maxAgeMs, int limit) {
    long now = w.now();
    Instant deadBefore = maxAgeMs == null ? null : Instant.ofEpochMilli(now - maxAgeMs);
    DeadLetterStore.RetentionPurge purged =
        w.sut
            .direct
            .deadLetters()
            .purgeOldest(
                java.util.Optional.ofNullable(keep),
                java.util.Optional.ofNullable(deadBefore),
                Instant.ofEpochMilli(now),
                limit);
    int[] expected =
        w.model.purgeOldest(
            keep, deadBefore == null ? null : deadBefore.toEpochMilli(), limit, now);
    Mismatch.check(
        purged.byCount() == expected[0] && purged.byAge() == expected[1],
        "the dead-letter retention purged %d for the count and %d for the age; the model %d and %d",
        purged.byCount(),
        purged.byAge(),
        expected[0],
        expected[1]);
    w.note("purged " + expected[0] + " for the count, " + expected[1] + " for the age");
  }

  private List<Ref> refs(Integer ordinal) {
    List<Ref> refs = new ArrayList<>();
    if (ordinal != null) {
      ModelNotification n = w.model.byOrdinal(ordinal);
      if (n != null) {
        w.note("→ " + n);
        for (int i = 0; i < n.routes.size(); i++) {
          refs.add(new Ref(n, i));
        }
      }
      return refs;
    }
    for (ModelNotification n : w.model.liveNotifications()) {
      for (ModelRoute r : n.routes) {
        if (r.state == RouteState.DEAD_LETTER || r.index == 0) {
          refs.add(new Ref(n, r.index));
        }
      }
    }
    return refs;
  }

  private static int check(String what, Ref r, boolean expected, Change change) {
    Change.Outcome outcome = expected ? Change.Outcome.CHANGED : Change.Outcome.NOT_DEAD;
    Mismatch.check(
        change.outcome() == outcome,
        "%s of route #%d of %s: %s (%s); the model expected %s",
        what,
        r.index(),
        r.n(),
        change.outcome(),
        change.detail(),
        outcome);
    return expected ? 1 : 0;
  }

  private static List<List<Ref>> slices(List<Ref> refs) {
    List<List<Ref>> slices = new ArrayList<>();
    for (int from = 0; from < refs.size(); from += DeadLetterStore.MAX_SLICE) {
      slices.add(refs.subList(from, Math.min(from + DeadLetterStore.MAX_SLICE, refs.size())));
    }
    return slices;
  }
}
