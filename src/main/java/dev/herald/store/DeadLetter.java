package dev.herald.store;

import dev.herald.domain.Failure;
import dev.herald.domain.Notification;
import dev.herald.domain.RouteId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A route that is a dead letter, with what is stored about it.
 *
 * @param notificationId its notification
 * @param index its index within the notification
 * @param notification null when the notification record is missing or unreadable
 * @param corruption null, or why the notification record cannot be read
 * @param attempts attempts made
 * @param deadSince when it became a dead letter
 * @param failures its failed attempts, oldest first (capped by {@code delivery.failure-history});
 *     the last one made it a dead letter
 */
public record DeadLetter(
    String notificationId,
    int index,
    Notification notification,
    String corruption,
    int attempts,
    Instant deadSince,
    List<Failure> failures) {

  public DeadLetter {
    Objects.requireNonNull(notificationId, "notificationId");
    Objects.requireNonNull(deadSince, "deadSince");
    failures = List.copyOf(failures);
  }

  /** The dead letter of a route read through {@link NotificationStore#find}. */
  public static DeadLetter of(Notification notification, RouteRecord route) {
    return new DeadLetter(
        notification.id(),
        route.index(),
        notification,
        null,
        route.attempts(),
        route.deadAt(),
        route.failures());
  }

  /** The route id, or null when the notification is unreadable or has no such route. */
  public RouteId routeId() {
    return notification == null || index >= notification.routeCount()
        ? null
        : notification.route(index);
  }

  /** {@code <notification_id>/<route_id>}, or {@code <notification_id>/#<index>} if unknown. */
  public String ref() {
    RouteId id = routeId();
    return notificationId + "/" + (id != null ? id.toString() : "#" + index);
  }

  public Failure lastFailure() {
    return failures.isEmpty() ? null : failures.get(failures.size() - 1);
  }
}
