package dev.herald.store;

import dev.herald.domain.Notification;
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
 * @param notification its notification, read once for all its claimed routes; null when its record
 *     is missing or unreadable
 */
public record ClaimedRoute(
    String notificationId,
    int index,
    int attempts,
    Instant dueAt,
    String corruption,
    Notification notification) {

  /** The number of the attempt this lease is for (1-based). */
  public int attempt() {
    return attempts + 1;
  }

  public boolean isCorrupt() {
    return corruption != null;
  }
}
