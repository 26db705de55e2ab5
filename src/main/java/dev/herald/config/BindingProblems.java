package dev.herald.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import dev.herald.backoff.Jitter;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Records each problem of binding the config file (an unknown key, a value of the wrong type), with
 * its dotted path, what was found and what is allowed, and lets Jackson carry on with a null in its
 * place, so that one run reports them all.
 */
final class BindingProblems extends DeserializationProblemHandler {

  /** The dotted path of the value the parser is at: {@code publisher.batch-size}. */
  static String path(JsonParser p, String leaf) {
    List<String> parts = new ArrayList<>();
    if (leaf != null) {
      parts.add(leaf);
    }
    JsonStreamContext ctx = p.getParsingContext();
    if (leaf != null && ctx != null && ctx.inObject()) {
      ctx = ctx.getParent();
    } else if (p.currentToken() == JsonToken.START_OBJECT
        || p.currentToken() == JsonToken.START_ARRAY) {
      ctx = ctx == null ? null : ctx.getParent();
    }
    for (; ctx != null && !ctx.inRoot(); ctx = ctx.getParent()) {
      if (ctx.inArray()) {
        parts.add("[" + Math.max(0, ctx.getCurrentIndex()) + "]");
      } else if (ctx.getCurrentName() != null) {
        parts.add(ctx.getCurrentName());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int i = parts.size() - 1; i >= 0; i--) {
      String part = parts.get(i);
      if (out.length() > 0 && !part.startsWith("[")) {
        out.append('.');
      }
      out.append(part);
    }
    return out.length() == 0 ? "(top level)" : out.toString();
  }

  private static String describeType(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == Double.class || type == double.class) {
      return "a number";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Duration.class) {
      return "a duration: " + Durations.FORMS;
    }
    if (type == Jitter.class) {
      return "one of "
          + Arrays.stream(Jitter.values())
              .map(Jitter::configName)
              .collect(Collectors.joining(", "));
    }
    if (type.isRecord()) {
      return "a section of keys";
    }
    return type.getSimpleName();
  }

  final List<String> list = new ArrayList<>();

  void add(String problem) {
    list.add(problem);
  }

  @Override
  public boolean handleUnknownProperty(
      DeserializationContext ctxt,
      JsonParser p,
      JsonDeserializer<?> deserializer,
      Object beanOrClass,
      String propertyName)
      throws IOException {
    Collection<Object> known = deserializer.getKnownPropertyNames();
    String allowed =
        known == null
            ? ""
            : " (allowed: "
                + known.stream()
                    .map(String::valueOf)
                    .collect(Collectors.toCollection(TreeSet::new))
                    .stream()
                    .collect(Collectors.joining(", "))
                + ")";
    add("unknown key " + path(p, propertyName) + allowed);
    p.skipChildren();
    return true;
  }

  @Override
  public Object handleWeirdStringValue(
      DeserializationContext ctxt, Class<?> targetType, String value, String failureMsg) {
    add(
        path(ctxt.getParser(), null)
            + " must be "
            + describeType(targetType)
            + " (was '"
            + value
            + "')");
    return null;
  }

  @Override
  public Object handleWeirdNumberValue(
      DeserializationContext ctxt, Class<?> targetType, Number value, String failureMsg) {
    add(
        path(ctxt.getParser(), null)
            + " must be "
            + describeType(targetType)
            + " (was "
            + value
            + ")");
    return null;
  }

  @Override
  public Object handleUnexpectedToken(
      DeserializationContext ctxt,
      JavaType targetType,
      JsonToken t,
      JsonParser p,
      String failureMsg)
      throws IOException {
    String found =
        switch (t) {
          case START_OBJECT -> "a section";
          case START_ARRAY -> "a list";
          case VALUE_NULL -> "empty";
          default -> "'" + p.getText() + "'";
        };
    add(
        path(p, null)
            + " must be "
            + describeType(targetType.getRawClass())
            + " (was "
            + found
            + ")");
    p.skipChildren();
    return null;
  }

  @Override
  public Object handleMissingInstantiator(
      DeserializationContext ctxt,
      Class<?> instClass,
      ValueInstantiator valueInsta,
      JsonParser p,
      String msg)
      throws IOException {
    String found = p.currentToken() == JsonToken.START_ARRAY ? "a list" : "'" + p.getText() + "'";
    add(path(p, null) + " must be " + describeType(instClass) + " (was " + found + ")");
    p.skipChildren();
    return null;
  }
}
