package dev.herald.store.redis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.herald.domain.Notification;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * Stores notifications as the Herald before record format 2 and untouched routes did: its very
 * accept.lua (test resource {@code format1/accept.lua}, composed with its libraries as LuaScript
 * sent it) with a format 1 record, so that a route hash has a {@code p|0|<due>} field per route and
 * no {@code due} or {@code n}. What a deployment holds when it upgrades.
 */
final class FormatOne {

  private static final String ACCEPT = resource("format1/accept.lua");
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
    List<String> args = new ArrayList<>();
    args.add(Long.toString(now.toEpochMilli()));
    args.add(Long.toString(window.toMillis()));
    for (Notification n : batch) {
      args.add(n.id());
      args.add(n.type());
      args.add(
          n.idempotencyKey() == null
              ? ""
              : RedisKeys.idempotencyName(n.producer(), n.idempotencyKey()));
      args.add(record(n));
      args.add(Integer.toString(n.routeCount()));
      args.add(Long.toString(n.sendAt().toEpochMilli()));
      args.add(n.expiresAt() == null ? "" : Long.toString(n.expiresAt().toEpochMilli()));
      args.add("");
    }
    List<String> scriptKeys =
        List.of(
            keys.schedule(), keys.stats(), keys.typeFigures(), LuaScript.guardOf(keys.schedule()));
    return raw.eval(ACCEPT, scriptKeys, args);
  }

  private static void optional(JsonGenerator g, String field, String value) throws IOException {
    if (value != null) {
      g.writeStringField(field, value);
    }
  }

  private static String resource(String name) {
    try (InputStream in = FormatOne.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
