package dev.herald.deadletter;

import dev.herald.store.DeadLetterStore;
import dev.herald.store.DeadLetterStore.Requeue;
import dev.herald.store.DeadLetterStore.Route;

/** The two things an operator does to dead letters, one slice at a time: the CLI and console's. */
public final class DeadLetterActions {

  private DeadLetterActions() {}

  /**
   * Requeues each route of a slice at its time by {@code timing}, with its attempts reset or kept.
   */
  public static BulkRun.Action requeue(
      DeadLetterStore store, RequeueTiming timing, boolean keepAttempts) {
    return (slice, now) ->
        store.requeue(
            slice.stream()
                .map(d -> new Route(d.notificationId(), d.index()))
                .map(r -> new Requeue(r, timing.dueOf(r)))
                .toList(),
            keepAttempts,
            now);
  }

  /** Purges each route of a slice. */
  public static BulkRun.Action purge(DeadLetterStore store) {
    return (slice, now) ->
        store.purge(
            slice.stream().map(d -> new Route(d.notificationId(), d.index())).toList(), now);
  }
}
