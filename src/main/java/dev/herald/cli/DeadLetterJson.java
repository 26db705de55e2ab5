package dev.herald.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.domain.Failure;
import dev.herald.domain.Notification;
import dev.herald.domain.RouteId;
import dev.herald.domain.RouteState;
import dev.herald.store.DeadLetter;
import dev.herald.store.RouteRecord;

/** The JSON shape of a dead letter, one object (see the README's "Dead letters" section). */
final class DeadLetterJson {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private DeadLetterJson() {}

  /** The fields {@code dead-letters list --json} prints per line. */
  static ObjectNode summary(DeadLetter d, int defaultMaxAttempts) {
    ObjectNode o =
        route(
            d.notificationId(),
            d.notification(),
            d.routeId(),
            d.attempts(),
            d.lastFailure(),
            defaultMaxAttempts);
    o.put("route", d.ref());
    o.put("dead_since", Times.iso(d.deadSince()));
    o.put("notification_error", d.corruption());
    return o;
  }

  /** The same fields for any route of a readable notification; not dead: no dead_since. */
  static ObjectNode summary(Notification n, RouteRecord r, int defaultMaxAttempts) {
    if (r.state() == RouteState.DEAD_LETTER) {
      return summary(DeadLetter.of(n, r), defaultMaxAttempts);
    }
    ObjectNode o = route(n.id(), n, r.routeId(), r.attempts(), r.lastFailure(), defaultMaxAttempts);
    o.put("route", n.id() + "/" + r.routeId());
    o.putNull("dead_since");
    o.putNull("notification_error");
    return o;
  }

  private static ObjectNode route(
      String notificationId,
      Notification n,
      RouteId route,
      int attempts,
      Failure last,
      int defaultMaxAttempts) {
    ObjectNode o = MAPPER.createObjectNode();
    o.putNull("route"); // fixes the field order: route first
    o.put("notification_id", notificationId);
    o.put("route_id", route == null ? null : route.toString());
    o.put("type", n == null ? null : n.type());
    o.put("producer", n == null ? null : n.producer());
    o.put("attempts", attempts);
    if (n == null) {
      o.putNull("max_attempts");
    } else {
      o.put("max_attempts", n.maxAttemptsOr(defaultMaxAttempts));
    }
    o.put("classification", last == null ? null : last.kind().wireName());
    o.put("last_error", last == null ? null : last.message());
    o.put("last_error_at", last == null ? null : Times.iso(last.at()));
    return o;
  }

  static ObjectNode failure(Failure f) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("attempt", f.attempt());
    o.put("at", Times.iso(f.at()));
    o.put("classification", f.kind().wireName());
    o.put("message", f.message());
    return o;
  }

  static String line(ObjectNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pretty(ObjectNode node) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
