package dev.herald.publish;

import dev.herald.domain.RouteId;

/**
 * A route as listeners see it.
 *
 * @param routeId null when the notification record was unreadable
 * @param type the notification type, null when unreadable
 * @param attempt the attempt this was (1-based)
 */
public record RouteInfo(
    String notificationId, int index, RouteId routeId, String type, int attempt) {

  /** {@code <notification_id>/<route_id>}, or the index when the route id is unknown. */
  public String ref() {
    return notificationId + "/" + (routeId != null ? routeId.toString() : "#" + index);
  }

  public String channel() {
    return routeId == null ? "unknown" : routeId.channel();
  }
}
