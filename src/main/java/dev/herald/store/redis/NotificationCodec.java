package dev.herald.store.redis;

import com.fasterxml.jackson.annotation.JsonAlias;
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
 * JSON string so that reading it back needs no second parse. {@code v} is the format version, so
 * that a Herald that does not know a record's format refuses it by name.
 *
 * <p>Format 2 (written now) names its fields with a letter or a short word and leaves out the id,
 * which the record's key names: {@code t} type, {@code p} producer, {@code key} idempotency key,
 * {@code r} recipients, {@code c} channels, {@code b} payload, {@code req} request id, {@code
 * trace} trace id, {@code s} send at, {@code max} max attempts, {@code a} accepted at, {@code exp}
 * expires at. Format 1, which earlier versions wrote and this one reads, spelled the names out and
 * held the id. The short names keep a notification's record small (in Redis the record is most of a
 * waiting route's memory); lib/figures.lua and claim.lua read both formats, and accept.lua takes a
 * format 1 record of the same notification for a repeat.
 */
final class NotificationCodec {

  static final int VERSION = 2;
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setSerializationInclusion(JsonInclude.Include.NON_NULL)
          // Newer Herald versions may add fields; older ones must still read the record.
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final ObjectReader READER = MAPPER.readerFor(Stored.class);

  /** A format's field names, in the order it writes them; format 1 holds the id as well. */
  private record Names(
      String type,
      String producer,
      String key,
      String recipients,
      String channels,
      String payload,
      String requestId,
      String traceId,
      String sendAt,
      String maxAttempts,
      String acceptedAt,
      String expiresAt) {}

  private static final Names FORMAT_2 =
      new Names("t", "p", "key", "r", "c", "b", "req", "trace", "s", "max", "a", "exp");
  private static final Names FORMAT_1 =
      new Names(
          "type",
          "producer",
          "idempotency_key",
          "recipients",
          "channels",
          "payload_json",
          "request_id",
          "trace_id",
          "send_at_ms",
          "max_attempts",
          "accepted_at_ms",
          "expires_at_ms");

  /** The record's JSON in format 2. */
  String encode(Notification n) {
    return encode(n, VERSION);
  }

  /**
   * The record's JSON in {@code format} (1 or 2, StoredFormat): the fields in the format's order,
   * nulls left out, written token by token (the bean serializer took 6% of an API request). Format
   * 1 is exactly what versions before format 2 wrote. A record must encode to the same text every
   * time: accept.lua recognises a repeat by it.
   */
  String encode(Notification n, int format) {
    if (format != 1 && format != VERSION) {
      throw new IllegalArgumentException("format: " + format + "; this Herald writes 1 or 2");
    }
    Names f = format == 1 ? FORMAT_1 : FORMAT_2;
    StringWriter out = new StringWriter(192 + n.payloadJson().length());
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("v", format);
      if (format == 1) {
        g.writeStringField("id", n.id());
      }
      g.writeStringField(f.type(), n.type());
      g.writeStringField(f.producer(), n.producer());
      optional(g, f.key(), n.idempotencyKey());
      strings(g, f.recipients(), n.recipients());
      strings(g, f.channels(), n.channels());
      g.writeStringField(f.payload(), n.payloadJson());
      optional(g, f.requestId(), n.requestId());
      optional(g, f.traceId(), n.traceId());
      g.writeNumberField(f.sendAt(), n.sendAt().toEpochMilli());
      if (n.maxAttempts() != null) {
        g.writeNumberField(f.maxAttempts(), n.maxAttempts());
      }
      g.writeNumberField(f.acceptedAt(), n.acceptedAt().toEpochMilli());
      if (n.expiresAt() != null) {
        g.writeNumberField(f.expiresAt(), n.expiresAt().toEpochMilli());
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
    if (s.version == null || s.version < 1 || s.version > VERSION) {
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
          id,
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

  /**
   * A stored record of either format: format 2's names, format 1's as aliases; {@code id} is in
   * format 1 only (the key names it, and that is the id read).
   */
  record Stored(
      @JsonProperty("v") Integer version,
      @JsonProperty("id") String id,
      @JsonProperty("t") @JsonAlias("type") String type,
      @JsonProperty("p") @JsonAlias("producer") String producer,
      @JsonProperty("key") @JsonAlias("idempotency_key") String idempotencyKey,
      @JsonProperty("r") @JsonAlias("recipients") List<String> recipients,
      @JsonProperty("c") @JsonAlias("channels") List<String> channels,
      @JsonProperty("b") @JsonAlias("payload_json") String payloadJson,
      @JsonProperty("req") @JsonAlias("request_id") String requestId,
      @JsonProperty("trace") @JsonAlias("trace_id") String traceId,
      @JsonProperty("s") @JsonAlias("send_at_ms") long sendAtMs,
      @JsonProperty("max") @JsonAlias("max_attempts") Integer maxAttempts,
      @JsonProperty("a") @JsonAlias("accepted_at_ms") long acceptedAtMs,
      @JsonProperty("exp") @JsonAlias("expires_at_ms") Long expiresAtMs) {}
}
