package dev.herald.store;

import dev.herald.domain.Notification;
import java.util.List;

/** A stored notification with the state of each of its routes, ordered by route index. */
public record NotificationRecord(Notification notification, List<RouteRecord> routes) {
  public NotificationRecord {
    routes = List.copyOf(routes);
  }
}
