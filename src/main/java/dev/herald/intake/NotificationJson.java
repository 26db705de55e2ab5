package dev.herald.intake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.herald.domain.FieldError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads notifications from JSON: one object, an array of objects, or one object per line. Type
 * errors are reported per field ({@link NotificationFields}, one pass over the tokens, no tree);
 * the rules on values are {@link dev.herald.domain.NotificationValidator}'s.
 */
public final class NotificationJson {

  static final Set<String> FIELDS = NotificationFields.FIELDS;

  private static final ObjectMapper MAPPER =
      new ObjectMapper(
              JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
          // Keep the payload's numbers exactly as the producer wrote them.
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final NotificationFields READER = new NotificationFields(MAPPER);

  /** Reads one value of a stream of them (an element, a line), the rest still to come. */
  private static final ObjectReader VALUES =
      MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Parses the input; every notification in it gets an entry, valid or not. */
  public List<ParsedNotification> parse(byte[] input) {
    int first = firstNonBlank(input);
    if (first < 0) {
      return List.of(
          new ParsedNotification(0, null, List.of(new FieldError("(input)", "is empty"))));
    }
    if (input[first] == '[') {
      return parseArray(input);
    }
    try (JsonParser p = MAPPER.getFactory().createParser(input)) {
      List<ParsedNotification> out = new ArrayList<>(1);
      while (p.nextToken() != null) {
        out.add(value(out.size(), p));
      }
      return out;
    } catch (IOException | RuntimeException e) {
      // Not a clean sequence of values: read it as one object per line, so that one bad line
      // does not sink the others.
      return parseLines(input);
    }
  }

  private static int firstNonBlank(byte[] input) {
    for (int i = 0; i < input.length; i++) {
      byte b = input[i];
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return i;
      }
    }
    return -1;
  }

  private List<ParsedNotification> parseArray(byte[] input) {
    List<ParsedNotification> out = new ArrayList<>();
    try (JsonParser p = MAPPER.getFactory().createParser(input)) {
      p.nextToken(); // [
      for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
        if (t == null) {
          throw new JsonEOFException(p, null, "unexpected end-of-input: the list is not closed");
        }
        out.add(value(out.size(), p));
      }
      if (p.nextToken() != null) {
        throw new JsonParseException(p, "trailing token after the list: " + p.currentToken());
      }
    } catch (IOException e) {
      return List.of(new ParsedNotification(0, null, List.of(malformed(e))));
    }
    if (out.isEmpty()) {
      return List.of(
          new ParsedNotification(0, null, List.of(new FieldError("(input)", "is an empty list"))));
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
        if (firstNonBlank(line) < 0) {
          continue;
        }
        try (JsonParser p = MAPPER.getFactory().createParser(line)) {
          p.nextToken();
          ParsedNotification read = value(index, p);
          if (p.nextToken() != null) {
            throw new JsonParseException(p, "trailing token after the value: " + p.currentToken());
          }
          out.add(read);
        } catch (IOException e) {
          out.add(new ParsedNotification(index, null, List.of(malformed(e))));
        }
        index++;
      }
    }
    return out;
  }

  /** The value the parser is at: a notification object, or an error saying what it is instead. */
  private static ParsedNotification value(int index, JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.START_OBJECT) {
      return READER.read(index, p);
    }
    return notAnObject(index, VALUES.readTree(p));
  }

  private static ParsedNotification notAnObject(int index, JsonNode node) {
    return new ParsedNotification(
        index,
        null,
        List.of(
            new FieldError(
                "(notification)",
                "must be a JSON object (was " + NotificationFields.kind(node) + ")")));
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
    if (node == null || !node.isObject()) {
      return notAnObject(index, node);
    }
    try (JsonParser p = node.traverse(MAPPER)) {
      p.nextToken();
      return READER.read(index, p);
    } catch (IOException e) {
      // A tree holds no malformed JSON; this is a bug, and said as one.
      throw new java.io.UncheckedIOException("reading a parsed notification failed", e);
    }
  }
}
