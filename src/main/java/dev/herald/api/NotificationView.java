package dev.herald.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.domain.Failure;
import dev.herald.domain.Notification;
import dev.herald.store.NotificationRecord;
import dev.herald.store.RouteRecord;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A stored notification and its routes as JSON: what {@code herald routes show --json} prints and
 * {@code GET /v1/notifications/{id}} answers. Fields are snake_case, times ISO-8601 UTC to the
 * millisecond, absent values null.
 */
public final class NotificationView {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private NotificationView() {}

  /** One line, as {@code herald routes show --json} prints it (the API's body, as text). */
  public static String json(NotificationRecord record, int defaultMaxAttempts) {
    try {
      return MAPPER.writeValueAsString(tree(record, defaultMaxAttempts));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Compact, for the API. */
  static byte[] compact(NotificationRecord record, int defaultMaxAttempts) {
    try {
      return MAPPER.writeValueAsBytes(tree(record, defaultMaxAttempts));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A notification still in the spool: what it was accepted with, no route state yet. */
  static byte[] spooled(Notification n, boolean cancelSpooled, int defaultMax) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("notification_id", n.id());
    root.put("status", "spooled");
    fields(root, n, defaultMax);
    root.put("cancel_spooled", cancelSpooled);
    ArrayNode routes = root.putArray("route_ids");
    for (int i = 0; i < n.routeCount(); i++) {
      routes.add(n.route(i).toString());
    }
    try {
      return MAPPER.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void fields(ObjectNode root, Notification n, int defaultMax) {
    root.put("type", n.type());
    root.put("producer", n.producer());
    root.put("idempotency_key", n.idempotencyKey());
    root.put("request_id", n.requestId());
    root.put("trace_id", n.traceId());
    root.put("accepted_at", iso(n.acceptedAt()));
    root.put("send_at", iso(n.sendAt()));
    root.put("max_attempts", n.maxAttemptsOr(defaultMax));
    root.put("expires_at", iso(n.expiresAt()));
  }

  static ObjectNode tree(NotificationRecord record, int defaultMax) {
    Notification n = record.notification();
    ObjectNode root = MAPPER.createObjectNode();
    root.put("notification_id", n.id());
    fields(root, n, defaultMax);
    ArrayNode routes = root.putArray("routes");
    for (RouteRecord r : record.routes()) {
      ObjectNode o = routes.addObject();
      o.put("route_id", r.routeId().toString());
      o.put("status", r.state().displayName());
      o.put("attempts", r.attempts());
      o.put("max_attempts", n.maxAttemptsOr(defaultMax));
      o.put("next_attempt_at", iso(r.nextAttemptAt()));
      o.put("lease_until", iso(r.leaseUntil()));
      Failure f = r.lastFailure();
      if (f == null) {
        o.putNull("last_failure");
      } else {
        o.putObject("last_failure")
            .put("classification", f.kind().wireName())
            .put("message", f.message())
            .put("at", iso(f.at()))
            .put("attempt", f.attempt());
      }
      o.put("published_at", iso(r.publishedAt()));
      o.put("stream_entry_id", r.entryId());
      o.put("dead_at", iso(r.deadAt()));
    }
    return root;
  }

  private static String iso(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS).toString();
  }
}
