package dev.herald.store.redis;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.herald.domain.Notification;
import dev.herald.store.CorruptRecordException;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;

/**
 * The stored form of a notification: compact JSON, times in epoch milliseconds, the payload as a
 * JSON string so that reading it back needs no second parse. {@code v} is the format version.
 */
final class NotificationCodec {

  private static final int VERSION = 1;
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setSerializationInclusion(JsonInclude.Include.NON_NULL)
          // Newer Herald versions may add fields; older ones must still read the record.
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final ObjectReader READER = MAPPER.readerFor(Stored.class);

  /**
   * The record's JSON: the fields of {@link Stored} in its order, nulls left out, written token by
   * token (the bean serializer took 6% of an API request). A record must encode to the same text
   * every time: accept.lua recognises a repeat by it.
   */
  String encode(Notification n) {
    StringWriter out = new StringWriter(192 + n.payloadJson().length());
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("v", VERSION);
      g.writeStringField("id", n.id());
      g.writeStringField("type", n.type());
      g.writeStringField("producer", n.producer());
      optional(g, "idempotency_key", n.idempotencyKey());
      strings(g, "recipients", n.recipients());
      strings(g, "channels", n.channels());
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
      throw new IllegalStateException("cannot encode notification " + n.id(), e);
    }
    return out.toString();
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

  /** Reads a stored notification; throws {@link CorruptRecordException} saying what is wrong. */
  Notification decode(String id, String json) {
    return decode(id, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  Notification decode(String id, byte[] json) {
    Stored s;
    try {
      s = READER.readValue(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new CorruptRecordException(
          "notification " + id + ": stored record is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new CorruptRecordException("notification " + id + ": unreadable: " + e, e);
    }
    if (s.version == null || s.version > VERSION) {
      throw new CorruptRecordException(
          "notification "
              + id
              + ": stored record has format version "
              + s.version
              + ", this Herald reads up to "
              + VERSION);
    }
    try {
      return new Notification(
          s.id,
          s.type,
          s.producer,
          s.idempotencyKey,
          s.recipients,
          s.channels,
          s.payloadJson,
          s.requestId,
          s.traceId,
          Instant.ofEpochMilli(s.sendAtMs),
          s.maxAttempts,
          Instant.ofEpochMilli(s.acceptedAtMs),
          s.expiresAtMs == null ? null : Instant.ofEpochMilli(s.expiresAtMs));
    } catch (RuntimeException e) {
      throw new CorruptRecordException(
          "notification " + id + ": stored record is incomplete: " + e.getMessage(), e);
    }
  }

  record Stored(
      @JsonProperty("v") Integer version,
      @JsonProperty("id") String id,
      @JsonProperty("type") String type,
      @JsonProperty("producer") String producer,
      @JsonProperty("idempotency_key") String idempotencyKey,
      @JsonProperty("recipients") List<String> recipients,
      @JsonProperty("channels") List<String> channels,
      @JsonProperty("payload_json") String payloadJson,
      @JsonProperty("request_id") String requestId,
      @JsonProperty("trace_id") String traceId,
      @JsonProperty("send_at_ms") long sendAtMs,
      @JsonProperty("max_attempts") Integer maxAttempts,
      @JsonProperty("accepted_at_ms") long acceptedAtMs,
      @JsonProperty("expires_at_ms") Long expiresAtMs) {}
}
