package dev.herald.domain;

import java.util.List;
import java.util.Objects;

/**
 * One stream entry to append: the route's own fields plus the fields it shares with the other
 * routes of its notification. Kept apart so that a batch carries the shared part (above all the
 * payload) once per notification rather than once per route.
 *
 * @param channel where the entry goes
 * @param shared the notification's fields, as name/value pairs
 * @param eventId {@code event_id}: stable per notification and route
 * @param userId {@code user_id}: the recipient
 * @param routeId {@code route_id}
 */
public record GatewayEvent(
    Channel channel, EventTemplate shared, String eventId, String userId, String routeId) {

  public GatewayEvent {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(shared, "shared");
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(routeId, "routeId");
  }

  /** The fields all routes of one notification share, as name/value pairs. */
  public record EventTemplate(String notificationId, List<String> fields) {
    public EventTemplate {
      Objects.requireNonNull(notificationId, "notificationId");
      fields = List.copyOf(fields);
      if (fields.size() % 2 != 0) {
        throw new IllegalArgumentException("shared fields must be name/value pairs");
      }
    }
  }
}
