package dev.herald.store.redis;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.herald.domain.Notification;
import dev.herald.store.CorruptRecordException;
import java.io.IOException;
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
  private static final ObjectWriter WRITER = MAPPER.writerFor(Stored.class);
  private static final ObjectReader READER = MAPPER.readerFor(Stored.class);

  String encode(Notification n) {
    Stored stored =
        new Stored(
            VERSION,
            n.id(),
            n.type(),
            n.producer(),
            n.idempotencyKey(),
            n.recipients(),
            n.channels(),
            n.payloadJson(),
            n.requestId(),
            n.traceId(),
            n.sendAt().toEpochMilli(),
            n.maxAttempts(),
            n.acceptedAt().toEpochMilli(),
            n.expiresAt() == null ? null : n.expiresAt().toEpochMilli());
    try {
      return WRITER.writeValueAsString(stored);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode notification " + n.id(), e);
    }
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
