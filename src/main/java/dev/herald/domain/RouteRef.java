package dev.herald.domain;

import java.util.Objects;

/**
 * Names one route across notifications: {@code <notification_id>/<route_id>}, e.g. {@code
 * 01JDQ5.../push:u-1}. This is how the CLI and the logs refer to a single route.
 */
public record RouteRef(String notificationId, RouteId routeId) {

  public RouteRef {
    Objects.requireNonNull(notificationId, "notificationId");
    Objects.requireNonNull(routeId, "routeId");
  }

  /** Parses {@code NOTIFICATION_ID/ROUTE_ID}; throws {@link IllegalArgumentException}. */
  public static RouteRef parse(String text) {
    int slash = text.indexOf('/');
    if (slash <= 0 || slash == text.length() - 1) {
      throw new IllegalArgumentException(
          "route reference must look like NOTIFICATION_ID/ROUTE_ID, e.g. 01JDQ5.../push:u-1 (was '"
              + text
              + "')");
    }
    return new RouteRef(text.substring(0, slash), RouteId.parse(text.substring(slash + 1)));
  }

  @Override
  public String toString() {
    return notificationId + '/' + routeId;
  }
}
