package dev.herald.store.redis;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.domain.Failure;
import dev.herald.domain.FailureKind;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A failed attempt as stored: one JSON object, {@code {"classification", "message", "at",
 * "attempt"}} with {@code at} in epoch ms. complete.lua writes the same shape for failed appends. A
 * route's history is these objects one per line, oldest first.
 */
final class FailureCodec {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  String encode(Failure failure) {
    try {
      return MAPPER.writeValueAsString(
          new Stored(
              failure.kind().wireName(),
              failure.message(),
              failure.at().toEpochMilli(),
              failure.attempt()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode failure", e);
    }
  }

  /** Reads one failure; an unreadable one becomes a {@code corrupt_record} saying so. */
  Failure decode(String json, Instant fallbackAt) {
    try {
      Stored s = MAPPER.readValue(json, Stored.class);
      FailureKind kind =
          FailureKind.fromWireName(s.classification).orElse(FailureKind.CORRUPT_RECORD);
      String message =
          kind.wireName().equals(s.classification)
              ? s.message
              : "unknown classification " + s.classification + ": " + s.message;
      return new Failure(kind, message, Instant.ofEpochMilli(s.at), s.attempt);
    } catch (IOException | RuntimeException e) {
      return new Failure(
          FailureKind.CORRUPT_RECORD, "unreadable failure record: " + json, fallbackAt, 0);
    }
  }

  List<Failure> decodeHistory(String lines, Instant fallbackAt) {
    List<Failure> failures = new ArrayList<>();
    if (lines == null) {
      return failures;
    }
    for (String line : lines.split("\n")) {
      if (!line.isBlank()) {
        failures.add(decode(line, fallbackAt));
      }
    }
    return failures;
  }

  record Stored(
      @JsonProperty("classification") String classification,
      @JsonProperty("message") String message,
      @JsonProperty("at") long at,
      @JsonProperty("attempt") int attempt) {}
}
