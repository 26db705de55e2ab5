package dev.herald.console;

import dev.herald.config.Durations;
import dev.herald.deadletter.DeadLetterFilter;
import dev.herald.deadletter.DeadLetterScan;
import dev.herald.deadletter.DeadLetterSource;
import dev.herald.deadletter.RouteRefs;
import dev.herald.domain.FailureKind;
import dev.herald.domain.RouteRef;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which dead letters a console request means: the filters of {@code herald dead-letters list} (same
 * names, same meaning: repeat one, or separate values with commas, for "any of"), or routes named
 * by {@code ref}. Bad input names the field and the reason.
 */
record Selection(DeadLetterFilter filter, List<RouteRef> refs, Map<String, List<String>> params) {

  static final List<String> FILTERS =
      List.of("type", "channel", "producer", "classification", "notification", "since", "until");

  /** Thrown for a field that cannot be read. */
  static final class BadField extends RuntimeException {
    BadField(String field, String why) {
      super(field + ": " + why);
    }
  }

  static Selection of(Map<String, List<String>> params, Instant now) {
    Set<FailureKind> classes = new LinkedHashSet<>();
    for (String c : values(params, "classification")) {
      classes.add(
          FailureKind.fromWireName(c)
              .orElseThrow(
                  () -> new BadField("classification", "unknown classification '" + c + "'")));
    }
    DeadLetterFilter filter =
        new DeadLetterFilter(
            values(params, "type"),
            values(params, "channel"),
            values(params, "producer"),
            classes,
            values(params, "notification"),
            time(params, "since", now),
            time(params, "until", now));
    List<RouteRef> refs = new ArrayList<>();
    for (String r : params.getOrDefault("ref", List.of())) {
      try {
        refs.add(RouteRef.parse(r));
      } catch (IllegalArgumentException e) {
        throw new BadField("ref", e.getMessage());
      }
    }
    return new Selection(filter, refs, params);
  }

  boolean named() {
    return !refs.isEmpty();
  }

  /** What it names, as the CLI would read it. */
  DeadLetterSource source(Console console, DeadLetterFilter f) {
    return named()
        ? new RouteRefs(console.notifications(), refs)
        : new DeadLetterScan(console.deadLetters(), console.notifications(), f);
  }

  String describe() {
    return named() ? refs.size() + " selected route(s)" : filter.describe();
  }

  /** The filter fields as hidden inputs, so that a form passes the selection on. */
  String hidden() {
    StringBuilder b = new StringBuilder();
    for (String name : FILTERS) {
      for (String v : params.getOrDefault(name, List.of())) {
        if (!v.isBlank()) {
          b.append(field(name, v));
        }
      }
    }
    for (RouteRef r : refs) {
      b.append(field("ref", r.toString()));
    }
    return b.toString();
  }

  /** The filter fields as a query string (no refs). */
  String query() {
    StringBuilder b = new StringBuilder();
    for (String name : FILTERS) {
      for (String v : params.getOrDefault(name, List.of())) {
        if (!v.isBlank()) {
          b.append('&').append(name).append('=').append(Html.q(v));
        }
      }
    }
    return b.toString();
  }

  /** A filter field's first value, for the form. */
  String value(String name) {
    return params.getOrDefault(name, List.of()).stream().findFirst().orElse("");
  }

  private static String field(String name, String value) {
    return "<input type=hidden name=" + name + " value='" + Html.esc(value) + "'>";
  }

  private static Set<String> values(Map<String, List<String>> params, String name) {
    Set<String> out = new LinkedHashSet<>();
    for (String v : params.getOrDefault(name, List.of())) {
      for (String part : v.split(",")) {
        if (!part.isBlank()) {
          out.add(part.strip());
        }
      }
    }
    return out;
  }

  /** ISO-8601 (an offset allowed), or a duration ago ({@code 2h}), as the CLI's --since. */
  private static Optional<Instant> time(
      Map<String, List<String>> params, String name, Instant now) {
    Set<String> v = values(params, name);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    String text = v.iterator().next();
    Optional<java.time.Duration> ago = Durations.parse(text);
    if (ago.isPresent()) {
      return Optional.of(now.minus(ago.get()));
    }
    try {
      return Optional.of(OffsetDateTime.parse(text).toInstant());
    } catch (DateTimeParseException e) {
      throw new BadField(
          name,
          "must be ISO-8601 (2026-11-25T12:00:00Z) or a duration ago (2h, 30m), was '"
              + text
              + "'");
    }
  }
}
