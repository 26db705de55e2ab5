package dev.herald.store.redis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.herald.domain.Notification;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * Stores notifications as the Herald before record format 2 and untouched routes did: its very
 * accept.lua (test resource {@code format1/accept.lua}, composed with its libraries as LuaScript
 * sent it) with a format 1 record, so that a route hash has a {@code p|0|<due>} field per route and
 * no {@code due} or {@code n}. What a deployment holds when it upgrades.
 */
final class FormatOne {

  private static final EarlierAccept ACCEPT =
      new EarlierAccept("format1/accept.lua", FormatOne::record, List.of());
  private static final JsonFactory JSON = new JsonFactory();

  private FormatOne() {}

  /** The record as NotificationCodec wrote it in format 1. */
  static String record(Notification n) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("v", 1);
      g.writeStringField("id", n.id());
      g.writeStringField("type", n.type());
      g.writeStringField("producer", n.producer());
      optional(g, "idempotency_key", n.idempotencyKey());
      g.writeArrayFieldStart("recipients");
      for (String r : n.recipients()) {
        g.writeString(r);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("channels");
      for (String c : n.channels()) {
        g.writeString(c);
      }
      g.writeEndArray();
      g.writeStringField("payload_json", n.payloadJson());
      optional(g, "request_id", n.requestId());
      optional(g, "trace_id", n.traceId());
      g.writeNumberField("send_at_ms", n.sendAt().toEpochMilli());
      if (n.maxAttempts() != null) {
        g.writeNumberField("max_attempts", n.maxAttempts());
      }
      g.writeNumberField("accepted_at_ms", n.acceptedAt().toEpochMilli());
      if (n.expiresAt() != null) {
        g.writeNumberField("expires_at_ms", n.expiresAt().toEpochMilli());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Accepts the batch with the earlier version's accept.lua; returns its reply. */
  static Object accept(
      UnifiedJedis raw, RedisKeys keys, List<Notification> batch, Instant now, Duration window) {
    return ACCEPT.accept(raw, keys, batch, now, window);
  }

  private static void optional(JsonGenerator g, String field, String value) throws IOException {
    if (value != null) {
      g.writeStringField(field, value);
    }
  }
}
