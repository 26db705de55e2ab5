package dev.herald.spool;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.domain.Notification;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of a segment: NDJSON, one object per line. The first line is a header ({@code
 * {"herald_spool":1,"segment":7,"created_at":…}}); every other line is a record: one notification
 * with its final id and every field it was accepted with, times in epoch milliseconds and the
 * payload as JSON text, so that the replayed record is identical to the one a lost reply may have
 * stored; or a cancel, {@code {"cancel":"<id>","producer":…,"at":…}}. A record set aside at replay
 * carries {@value #REASON}, why.
 */
final class SpoolRecords {

  static final int VERSION = 1;

  /** The field of a set-aside record that says why it was set aside. */
  static final String REASON = "set_aside_reason";

  private static final JsonFactory FACTORY = new JsonFactory();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private SpoolRecords() {}

  static byte[] header(long segment, Instant createdAt) {
    return ("{\"herald_spool\":"
            + VERSION
            + ",\"segment\":"
            + segment
            + ",\"created_at\":"
            + createdAt.toEpochMilli()
            + "}\n")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The segment number a header line names; throws when it is not a header. */
  static long readHeader(byte[] line) {
    JsonNode node = tree(line);
    if (node.path("herald_spool").asInt(-1) != VERSION
        || !node.path("segment").isIntegralNumber()) {
      throw new IllegalArgumentException("not a spool segment header (version " + VERSION + ")");
    }
    return node.get("segment").asLong();
  }

  /** One notification as a line, newline included. */
  static byte[] encode(Notification n) {
    return encode(new SpoolRecord.Accept(n), null);
  }

  /** One record as a line, newline included; with {@code reason} when it is set aside. */
  static byte[] encode(SpoolRecord record, String reason) {
    if (record instanceof SpoolRecord.Cancel c) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(128);
      try (JsonGenerator g = FACTORY.createGenerator(out)) {
        g.writeStartObject();
        g.writeStringField("cancel", c.notificationId());
        g.writeStringField("producer", c.producer());
        g.writeNumberField("at", c.at().toEpochMilli());
        optional(g, REASON, reason);
        g.writeEndObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out.write('\n');
      return out.toByteArray();
    }
    Notification n = ((SpoolRecord.Accept) record).notification();
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + n.payloadJson().length());
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("id", n.id());
      g.writeStringField("type", n.type());
      g.writeStringField("producer", n.producer());
      optional(g, "idempotency_key", n.idempotencyKey());
      strings(g, "recipients", n.recipients());
      strings(g, "channels", n.channels());
      g.writeStringField("payload_json", n.payloadJson());
      optional(g, "request_id", n.requestId());
      optional(g, "trace_id", n.traceId());
      g.writeNumberField("send_at", n.sendAt().toEpochMilli());
      if (n.maxAttempts() != null) {
        g.writeNumberField("max_attempts", n.maxAttempts());
      }
      g.writeNumberField("accepted_at", n.acceptedAt().toEpochMilli());
      if (n.expiresAt() != null) {
        g.writeNumberField("expires_at", n.expiresAt().toEpochMilli());
      }
      optional(g, REASON, reason);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.write('\n');
    return out.toByteArray();
  }

  /**
   * Reads one record line (without its newline).
   *
   * @throws IllegalArgumentException when it is not a complete record
   */
  static SpoolRecord decode(byte[] line) {
    return decode(tree(line));
  }

  /** Why a set-aside record was set aside; null for any other line. */
  static String reasonOf(byte[] line) {
    JsonNode v = tree(line).get(REASON);
    return v == null ? null : v.asText();
  }

  static SpoolRecord decode(JsonNode n) {
    if (n.has("cancel")) {
      try {
        return new SpoolRecord.Cancel(
            required(n, "cancel"), required(n, "producer"), time(n, "at"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("not a complete cancel record: " + e.getMessage(), e);
      }
    }
    return new SpoolRecord.Accept(notification(n));
  }

  private static Notification notification(JsonNode n) {
    try {
      return new Notification(
          required(n, "id"),
          required(n, "type"),
          required(n, "producer"),
          optional(n, "idempotency_key"),
          strings(n, "recipients"),
          strings(n, "channels"),
          required(n, "payload_json"),
          optional(n, "request_id"),
          optional(n, "trace_id"),
          time(n, "send_at"),
          n.hasNonNull("max_attempts") ? n.get("max_attempts").asInt() : null,
          time(n, "accepted_at"),
          n.hasNonNull("expires_at") ? time(n, "expires_at") : null);
    } catch (NullPointerException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not a complete spool record: " + e.getMessage(), e);
    }
  }

  private static JsonNode tree(byte[] line) {
    try {
      JsonNode node = MAPPER.readTree(line);
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException("not a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "not JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  private static String required(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException(field + " missing");
    }
    return v.textValue();
  }

  private static String optional(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static List<String> strings(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isArray()) {
      throw new IllegalArgumentException(field + " missing");
    }
    List<String> out = new ArrayList<>(v.size());
    v.forEach(e -> out.add(e.asText()));
    return out;
  }

  private static Instant time(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isIntegralNumber()) {
      throw new IllegalArgumentException(field + " missing");
    }
    return Instant.ofEpochMilli(v.asLong());
  }

  private static void optional(JsonGenerator g, String field, String value) throws IOException {
    if (value != null) {
      g.writeStringField(field, value);
    }
  }

  private static void strings(JsonGenerator g, String field, List<String> values)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }
}
