package dev.herald.store;

import java.time.Instant;

/**
 * A route a worker holds under a lease.
 *
 * @param notificationId its notification
 * @param index its index within the notification (see {@link dev.herald.domain.Notification})
 * @param attempts attempts already made, before the one this lease is for
 * @param dueAt when it fell due: the start of its due-to-published lag
 * @param corruption null, or why the route's stored state could not be read; such a route must be
 *     dead-lettered as {@code corrupt_record}
 * @param type its notification's type, for the figures by type; null when unknown
 */
public record ClaimedRoute(
    String notificationId, int index, int attempts, Instant dueAt, String corruption, String type) {

  /** A route whose notification type is unknown. */
  public ClaimedRoute(
      String notificationId, int index, int attempts, Instant dueAt, String corruption) {
    this(notificationId, index, attempts, dueAt, corruption, null);
  }

  /** The number of the attempt this lease is for (1-based). */
  public int attempt() {
    return attempts + 1;
  }

  public boolean isCorrupt() {
    return corruption != null;
  }
}
