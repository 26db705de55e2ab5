package dev.herald.intake;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.domain.FieldError;
import dev.herald.domain.NotificationRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads notifications from JSON: one object, an array of objects, or one object per line. Type
 * errors are reported per field; the rules on values are {@link
 * dev.herald.domain.NotificationValidator}'s.
 */
public final class NotificationJson {

  static final Set<String> FIELDS =
      Set.of(
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

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          // Keep the payload's numbers exactly as the producer wrote them.
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Parses the input; every notification in it gets an entry, valid or not. */
  public List<ParsedNotification> parse(byte[] input) {
    String start =
        new String(input, 0, Math.min(input.length, 64), StandardCharsets.UTF_8).stripLeading();
    if (start.isEmpty()) {
      return List.of(
          new ParsedNotification(0, null, List.of(new FieldError("(input)", "is empty"))));
    }
    if (start.startsWith("[")) {
      return parseArray(input);
    }
    try {
      List<JsonNode> nodes = new ArrayList<>();
      try (MappingIterator<JsonNode> it = MAPPER.readerFor(JsonNode.class).readValues(input)) {
        while (it.hasNextValue()) {
          nodes.add(it.nextValue());
        }
      }
      List<ParsedNotification> out = new ArrayList<>();
      for (int i = 0; i < nodes.size(); i++) {
        out.add(read(i, nodes.get(i)));
      }
      return out;
    } catch (IOException | RuntimeException e) {
      // Not a clean sequence of values: read it as one object per line, so that one bad line
      // does not sink the others.
      return parseLines(input);
    }
  }

  private List<ParsedNotification> parseArray(byte[] input) {
    JsonNode root;
    try {
      root = MAPPER.readTree(input);
    } catch (IOException e) {
      return List.of(new ParsedNotification(0, null, List.of(malformed(e))));
    }
    if (root.isEmpty()) {
      return List.of(
          new ParsedNotification(0, null, List.of(new FieldError("(input)", "is an empty list"))));
    }
    List<ParsedNotification> out = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) {
      out.add(read(i, root.get(i)));
    }
    return out;
  }

  private List<ParsedNotification> parseLines(byte[] input) {
    List<ParsedNotification> out = new ArrayList<>();
    int index = 0;
    int lineStart = 0;
    for (int i = 0; i <= input.length; i++) {
      if (i == input.length || input[i] == '\n') {
        byte[] line = java.util.Arrays.copyOfRange(input, lineStart, i);
        lineStart = i + 1;
        if (new String(line, StandardCharsets.UTF_8).isBlank()) {
          continue;
        }
        try {
          out.add(read(index, MAPPER.readTree(line)));
        } catch (IOException e) {
          out.add(new ParsedNotification(index, null, List.of(malformed(e))));
        }
        index++;
      }
    }
    return out;
  }

  /** Parses one JSON value (an intent); null, with the error added, when it is malformed. */
  static JsonNode readValue(String text, List<FieldError> errors) {
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      errors.add(malformed(e));
      return null;
    }
  }

  private static FieldError malformed(IOException e) {
    String message =
        e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    String where =
        e instanceof JsonProcessingException j && j.getLocation() != null
            ? " at line "
                + j.getLocation().getLineNr()
                + ", column "
                + j.getLocation().getColumnNr()
            : "";
    return new FieldError("(json)", "malformed JSON" + where + ": " + firstLine(message));
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }

  /**
   * Reads one parsed JSON value as a notification: what parsed, with the errors of its shape. The
   * rules on values are checked by {@link ParsedNotification#problems}, on what did parse.
   */
  public ParsedNotification read(int index, JsonNode node) {
    List<FieldError> errors = new ArrayList<>();
    if (node == null || !node.isObject()) {
      errors.add(
          new FieldError("(notification)", "must be a JSON object (was " + kind(node) + ")"));
      return new ParsedNotification(index, null, errors);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      String name = it.next().getKey();
      if (!FIELDS.contains(name)) {
        errors.add(
            new FieldError(
                name.isEmpty() ? "\"\"" : name, // a key "" must still be named
                "unknown field (allowed: "
                    + String.join(", ", new java.util.TreeSet<>(FIELDS))
                    + ")"));
      }
    }
    NotificationRequest request =
        new NotificationRequest(
            text(node, "type", errors),
            text(node, "producer", errors),
            text(node, "idempotency_key", errors),
            texts(node, "recipients", errors),
            texts(node, "channels", errors),
            payload(node, errors),
            text(node, "request_id", errors),
            text(node, "trace_id", errors),
            instant(node, "send_at", errors),
            integer(node, "max_attempts", errors),
            instant(node, "expires_at", errors));
    return new ParsedNotification(index, request, errors);
  }

  private static String text(JsonNode node, String field, List<FieldError> errors) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      errors.add(new FieldError(field, "must be a string (was " + kind(v) + ")"));
      return null;
    }
    return v.textValue();
  }

  private static List<String> texts(JsonNode node, String field, List<FieldError> errors) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isArray()) {
      errors.add(new FieldError(field, "must be a list of strings (was " + kind(v) + ")"));
      return null;
    }
    List<String> out = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      JsonNode e = v.get(i);
      if (!e.isTextual()) {
        errors.add(new FieldError(field + "[" + i + "]", "must be a string (was " + kind(e) + ")"));
        out.add(null); // keeps the indexes of the elements after it, for the validator's errors
      } else {
        out.add(e.textValue());
      }
    }
    return out;
  }

  private static String payload(JsonNode node, List<FieldError> errors) {
    JsonNode v = node.get("payload");
    if (v == null) {
      return null;
    }
    try {
      return MAPPER.writeValueAsString(v);
    } catch (JsonProcessingException e) {
      errors.add(
          new FieldError("payload", "cannot be written back as JSON: " + e.getOriginalMessage()));
      return null;
    }
  }

  private static Instant instant(JsonNode node, String field, List<FieldError> errors) {
    String text = text(node, field, errors);
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      errors.add(
          new FieldError(
              field,
              "must be an ISO-8601 time with an offset, e.g. 2026-11-25T12:00:00Z (was '"
                  + (text.length() > 64 ? text.substring(0, 64) + "…" : text)
                  + "')"));
      return null;
    }
  }

  private static Integer integer(JsonNode node, String field, List<FieldError> errors) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      errors.add(
          new FieldError(
              field, "must be a whole number (was " + kind(v) + " " + abbreviate(v) + ")"));
      return null;
    }
    return v.intValue();
  }

  private static String abbreviate(JsonNode v) {
    String s = v.toString();
    return s.length() > 32 ? s.substring(0, 32) + "…" : s;
  }

  private static String kind(JsonNode v) {
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
    return v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }
}
