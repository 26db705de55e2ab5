package dev.herald.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.domain.Failure;
import dev.herald.domain.FailureKind;
import dev.herald.domain.Notification;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.RouteId;
import dev.herald.store.DeadLetter;
import dev.herald.store.DeadLetterStore.Import;
import dev.herald.store.DeadLetterStore.Route;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * A dead letter as one line of {@code herald dead-letters export}, and read back by {@code import}.
 * The line holds what makes the dead letter again: its route, attempts, dead-since time, every
 * failed attempt kept, and its notification but for the other recipients (a notification of 10,000
 * recipients would otherwise be written 10,000 times). {@code herald_dead_letter} is the format's
 * version.
 *
 * <p>An imported dead letter is a notification of its own, of that one route, under an id derived
 * from the original's ({@link NotificationIds#derived}): the same in every store and on every
 * import, which is what makes importing twice create nothing new. It keeps the original's times,
 * type, producer, payload, request and trace ids and attempt limit; not its idempotency key, which
 * names the original notification, and which a one-route copy must not claim.
 */
final class DeadLetterLines {

  static final int VERSION = 1;
  private static final ObjectMapper MAPPER = DeadLetterJson.MAPPER;

  private DeadLetterLines() {}

  /** The line of {@code d}, whose notification must be readable. */
  static String write(DeadLetter d) {
    Notification n = d.notification();
    ObjectNode o = MAPPER.createObjectNode();
    o.put("herald_dead_letter", VERSION);
    o.put("route", d.ref());
    o.put("notification_id", d.notificationId());
    o.put("route_id", d.routeId().toString());
    o.put("index", d.index());
    o.put("attempts", d.attempts());
    o.put("dead_since", Times.iso(d.deadSince()));
    ArrayNode failures = o.putArray("failures");
    d.failures().forEach(f -> failures.add(DeadLetterJson.failure(f)));
    ObjectNode note = o.putObject("notification");
    note.put("type", n.type());
    note.put("producer", n.producer());
    note.put("idempotency_key", n.idempotencyKey());
    note.put("request_id", n.requestId());
    note.put("trace_id", n.traceId());
    note.put("accepted_at", Times.iso(n.acceptedAt()));
    note.put("send_at", Times.iso(n.sendAt()));
    if (n.maxAttempts() == null) {
      note.putNull("max_attempts");
    } else {
      note.put("max_attempts", n.maxAttempts());
    }
    note.put("expires_at", Times.iso(n.expiresAt()));
    try {
      note.set("payload", MAPPER.readTree(n.payloadJson()));
    } catch (JsonProcessingException e) {
      note.put("payload", n.payloadJson()); // cannot happen: intake stored it as JSON
    }
    return DeadLetterJson.line(o);
  }

  /**
   * The dead letter of a line, to import under its derived id.
   *
   * @param where {@code line 12} for messages
   * @param sharded true for a store of several shards: the derived id is then in the source's shard
   *     ({@link NotificationIds#derivedInShardOf}), where the store checks that the source is gone
   * @throws BadInputException naming the line, the field and what is wrong
   */
  static Import read(String line, String where, boolean sharded) {
    JsonNode o;
    try {
      o = MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      throw bad(where, "(json)", "malformed JSON: " + e.getOriginalMessage());
    }
    if (o == null || !o.isObject()) {
      throw bad(where, "(line)", "must be a JSON object, as `herald dead-letters export` writes");
    }
    if (o.path("herald_dead_letter").asInt() != VERSION) {
      throw bad(
          where,
          "herald_dead_letter",
          "must be "
              + VERSION
              + " (a line of `herald dead-letters export`), was "
              + o.get("herald_dead_letter"));
    }
    String id = text(o, "notification_id", where);
    if (!NotificationIds.isId(id)) {
      throw bad(where, "notification_id", "is not a notification id: " + id);
    }
    RouteId route;
    try {
      route = RouteId.parse(text(o, "route_id", where));
    } catch (IllegalArgumentException e) {
      throw bad(where, "route_id", e.getMessage());
    }
    JsonNode n = o.path("notification");
    if (!n.isObject()) {
      throw bad(where, "notification", "is required (an object)");
    }
    List<Failure> failures = new ArrayList<>();
    JsonNode list = o.path("failures");
    if (!list.isArray() || list.isEmpty()) {
      throw bad(where, "failures", "must list the failed attempts, at least the last one");
    }
    for (int i = 0; i < list.size(); i++) {
      JsonNode f = list.get(i);
      String field = "failures[" + i + "]";
      FailureKind kind =
          FailureKind.fromWireName(f.path("classification").asText())
              .orElseThrow(() -> bad(where, field + ".classification", "is not a classification"));
      failures.add(
          new Failure(
              kind,
              f.path("message").asText(""),
              time(f, "at", where + ": " + field),
              f.path("attempt").asInt()));
    }
    Integer maxAttempts = n.path("max_attempts").isInt() ? n.path("max_attempts").asInt() : null;
    Notification imported =
        new Notification(
            sharded
                ? NotificationIds.derivedInShardOf(id, route.toString())
                : NotificationIds.derived(id, route.toString()),
            text(n, "type", where),
            text(n, "producer", where),
            null,
            List.of(route.recipient()),
            List.of(route.channel()),
            n.has("payload") ? n.get("payload").toString() : "{}",
            optional(n, "request_id"),
            optional(n, "trace_id"),
            time(n, "send_at", where),
            maxAttempts,
            time(n, "accepted_at", where),
            n.path("expires_at").isNull() || n.path("expires_at").isMissingNode()
                ? null
                : time(n, "expires_at", where));
    return new Import(
        imported,
        o.path("attempts").asInt(),
        time(o, "dead_since", where),
        failures,
        new Route(NotificationIds.canonical(id), o.path("index").asInt()));
  }

  private static String text(JsonNode o, String field, String where) {
    JsonNode v = o.get(field);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw bad(where, field, "is required (a string)");
    }
    return v.asText();
  }

  private static String optional(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Instant time(JsonNode o, String field, String where) {
    try {
      return Instant.parse(text(o, field, where));
    } catch (DateTimeParseException e) {
      throw bad(where, field, "must be an ISO-8601 time (was " + o.get(field) + ")");
    }
  }

  private static BadInputException bad(String where, String field, String reason) {
    return new BadInputException(where + ": " + field + ": " + reason);
  }
}
