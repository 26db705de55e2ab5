package dev.herald.intake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.herald.domain.FieldError;
import dev.herald.domain.NotificationRequest;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the fields of one notification object in a single pass over the parser's tokens: strings
 * and numbers are taken as they come, the payload is copied token by token into its JSON text, and
 * only a value of the wrong type is read as a tree, to say what it was. Errors of the shape come
 * out as before any tree was built: unknown fields first, then each field's in the order of {@link
 * #ORDER}.
 */
final class NotificationFields {

  /** The fields, in the order their errors are reported. */
  static final List<String> ORDER =
      List.of(
          "type",
          "producer",
          "idempotency_key",
          "recipients",
          "channels",
          "payload",
          "request_id",
          "trace_id",
          "send_at",
          "max_attempts",
          "expires_at");

  static final Set<String> FIELDS = Set.copyOf(ORDER);

  private static final String UNKNOWN =
      "unknown field (allowed: " + String.join(", ", new TreeSet<>(FIELDS)) + ")";

  private final JsonFactory factory;
  private final ObjectReader trees;

  /** The state of one object being read. */
  private final class Reading {
    final List<FieldError> unknown = new ArrayList<>(0);
    final List<List<FieldError>> byField = new ArrayList<>(0);
    String type;
    String producer;
    String idempotencyKey;
    List<String> recipients;
    List<String> channels;
    String payload;
    String requestId;
    String traceId;
    Instant sendAt;
    Integer maxAttempts;
    Instant expiresAt;

    void error(String field, String reason) {
      int at =
          ORDER.indexOf(field.indexOf('[') < 0 ? field : field.substring(0, field.indexOf('[')));
      while (byField.size() <= at) {
        byField.add(null);
      }
      if (byField.get(at) == null) {
        byField.set(at, new ArrayList<>(1));
      }
      byField.get(at).add(new FieldError(field, reason));
    }

    List<FieldError> errors() {
      List<FieldError> all = new ArrayList<>(unknown);
      for (List<FieldError> f : byField) {
        if (f != null) {
          all.addAll(f);
        }
      }
      return all;
    }
  }

  /**
   * @param mapper reads a value of the wrong type as a tree (for the error), with the factory's
   *     features
   */
  NotificationFields(ObjectMapper mapper) {
    // A value read in the middle of an object is followed by more of it.
    this.trees = mapper.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    this.factory = mapper.getFactory();
  }

  /**
   * Reads the object the parser is at (its {@code START_OBJECT}), up to and with its {@code
   * END_OBJECT}.
   *
   * @throws IOException when the JSON is malformed (a duplicate field included)
   */
  ParsedNotification read(int index, JsonParser p) throws IOException {
    Reading r = new Reading();
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      JsonToken t = p.nextToken();
      switch (name) {
        case "type" -> r.type = text(r, p, t, name);
        case "producer" -> r.producer = text(r, p, t, name);
        case "idempotency_key" -> r.idempotencyKey = text(r, p, t, name);
        case "recipients" -> r.recipients = texts(r, p, t, name);
        case "channels" -> r.channels = texts(r, p, t, name);
        case "payload" -> r.payload = payload(p);
        case "request_id" -> r.requestId = text(r, p, t, name);
        case "trace_id" -> r.traceId = text(r, p, t, name);
        case "send_at" -> r.sendAt = instant(r, p, t, name);
        case "max_attempts" -> r.maxAttempts = integer(r, p, t, name);
        case "expires_at" -> r.expiresAt = instant(r, p, t, name);
        default -> {
          r.unknown.add(new FieldError(name.isEmpty() ? "\"\"" : name, UNKNOWN));
          p.skipChildren();
        }
      }
    }
    if (p.currentToken() != JsonToken.END_OBJECT) {
      throw new IOException("unexpected end of the notification object");
    }
    NotificationRequest request =
        new NotificationRequest(
            r.type,
            r.producer,
            r.idempotencyKey,
            r.recipients,
            r.channels,
            r.payload,
            r.requestId,
            r.traceId,
            r.sendAt,
            r.maxAttempts,
            r.expiresAt);
    return new ParsedNotification(index, request, r.errors());
  }

  private String text(Reading r, JsonParser p, JsonToken t, String field) throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (t != JsonToken.VALUE_NULL) {
      r.error(field, "must be a string (was " + kind(tree(p)) + ")");
    }
    return null;
  }

  private List<String> texts(Reading r, JsonParser p, JsonToken t, String field)
      throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_ARRAY) {
      r.error(field, "must be a list of strings (was " + kind(tree(p)) + ")");
      return null;
    }
    List<String> out = new ArrayList<>();
    for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
      if (e == null) {
        throw new IOException("unexpected end of " + field);
      }
      if (e == JsonToken.VALUE_STRING) {
        out.add(p.getText());
      } else {
        r.error(field + "[" + out.size() + "]", "must be a string (was " + kind(tree(p)) + ")");
        out.add(null); // keeps the indexes of the elements after it, for the validator's errors
      }
    }
    return out;
  }

  /** The payload value as compact JSON text; numbers exactly as written. */
  private String payload(JsonParser p) throws IOException {
    StringWriter text = new StringWriter(256);
    try (JsonGenerator g = factory.createGenerator(text)) {
      int depth = 0;
      do {
        JsonToken t = p.currentToken();
        switch (t) {
          case START_OBJECT -> {
            g.writeStartObject();
            depth++;
          }
          case END_OBJECT -> {
            g.writeEndObject();
            depth--;
          }
          case START_ARRAY -> {
            g.writeStartArray();
            depth++;
          }
          case END_ARRAY -> {
            g.writeEndArray();
            depth--;
          }
          case FIELD_NAME -> g.writeFieldName(p.currentName());
          case VALUE_STRING ->
              g.writeString(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
          case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> g.writeNumber(p.getText());
          case VALUE_TRUE -> g.writeBoolean(true);
          case VALUE_FALSE -> g.writeBoolean(false);
          case VALUE_NULL -> g.writeNull();
          default -> throw new IOException("payload: unexpected " + t);
        }
      } while (depth > 0 && p.nextToken() != null);
      if (depth > 0) {
        throw new IOException("unexpected end of the payload");
      }
    }
    return text.toString();
  }

  private Instant instant(Reading r, JsonParser p, JsonToken t, String field) throws IOException {
    String text = text(r, p, t, field);
    if (text == null) {
      return null;
    }
    Instant at = IsoTimes.parse(text);
    if (at == null) {
      r.error(
          field,
          "must be an ISO-8601 time with an offset, e.g. 2026-11-25T12:00:00Z (was '"
              + (text.length() > 64 ? text.substring(0, 64) + "…" : text)
              + "')");
    }
    return at;
  }

  private Integer integer(Reading r, JsonParser p, JsonToken t, String field) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
      return p.getIntValue();
    }
    JsonNode v = tree(p);
    r.error(field, "must be a whole number (was " + kind(v) + " " + abbreviate(v) + ")");
    return null;
  }

  /** The value the parser is at, as a tree (only to describe a value of the wrong type). */
  private JsonNode tree(JsonParser p) throws IOException {
    return trees.readTree(p);
  }

  private static String abbreviate(JsonNode v) {
    String s = v.toString();
    return s.length() > 32 ? s.substring(0, 32) + "…" : s;
  }

  static String kind(JsonNode v) {
    if (v == null || v.isNull()) {
      return "null";
    }
    if (v.isTextual()) {
      return "a string";
    }
    if (v.isNumber()) {
      return "a number";
    }
    if (v.isBoolean()) {
      return "a boolean";
    }
    if (v.isArray()) {
      return "a list";
    }
    if (v.isObject()) {
      return "an object";
    }
    return v.getNodeType().toString().toLowerCase(Locale.ROOT);
  }
}
