package dev.herald.deadletter;

import dev.herald.domain.Failure;
import dev.herald.domain.FailureKind;
import dev.herald.domain.RouteId;
import dev.herald.store.DeadLetter;
import dev.herald.store.DeadLetterStore.Window;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which dead letters an operator means. Filters combine (all must match); a filter with several
 * values matches any of them; an empty filter matches everything.
 *
 * @param since dead since at or after this
 * @param until dead since at or before this
 */
public record DeadLetterFilter(
    Set<String> types,
    Set<String> channels,
    Set<String> producers,
    Set<FailureKind> classifications,
    Set<String> notificationIds,
    Optional<Instant> since,
    Optional<Instant> until) {

  public static final DeadLetterFilter ALL =
      new DeadLetterFilter(
          Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Optional.empty(), Optional.empty());

  public DeadLetterFilter {
    types = Set.copyOf(types);
    channels = Set.copyOf(channels);
    producers = Set.copyOf(producers);
    classifications = Set.copyOf(classifications);
    notificationIds = Set.copyOf(notificationIds);
  }

  public boolean matchesEverything() {
    return equals(ALL);
  }

  /** The same filter with its newest bound no later than {@code until}. */
  public DeadLetterFilter until(Instant bound) {
    Instant u = until.filter(t -> t.isBefore(bound)).orElse(bound);
    return new DeadLetterFilter(
        types, channels, producers, classifications, notificationIds, since, Optional.of(u));
  }

  /** The time bounds, which the store applies itself. */
  public Window window() {
    return new Window(since, until);
  }

  public boolean matches(DeadLetter d) {
    if (!notificationIds.isEmpty() && !notificationIds.contains(d.notificationId())) {
      return false;
    }
    if (since.isPresent() && d.deadSince().isBefore(since.get())) {
      return false;
    }
    if (until.isPresent() && d.deadSince().isAfter(until.get())) {
      return false;
    }
    if (!types.isEmpty()
        && (d.notification() == null || !types.contains(d.notification().type()))) {
      return false;
    }
    if (!producers.isEmpty()
        && (d.notification() == null || !producers.contains(d.notification().producer()))) {
      return false;
    }
    RouteId route = d.routeId();
    if (!channels.isEmpty() && (route == null || !channels.contains(route.channel()))) {
      return false;
    }
    Failure last = d.lastFailure();
    return classifications.isEmpty() || (last != null && classifications.contains(last.kind()));
  }

  /** For prompts and summaries: {@code type game.turn_ready, dead since 2026-…}. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    add(parts, "notification", notificationIds);
    add(parts, "type", types);
    add(parts, "channel", channels);
    add(parts, "producer", producers);
    add(
        parts,
        "classification",
        classifications.stream().map(FailureKind::wireName).collect(Collectors.toSet()));
    since.ifPresent(t -> parts.add("dead since " + seconds(t) + " or later"));
    until.ifPresent(t -> parts.add("dead since " + seconds(t) + " or earlier"));
    return parts.isEmpty() ? "all dead letters" : String.join(", ", parts);
  }

  private static Instant seconds(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS);
  }

  private static void add(List<String> parts, String name, Set<String> values) {
    if (!values.isEmpty()) {
      parts.add(name + " " + values.stream().sorted().collect(Collectors.joining(" or ")));
    }
  }
}
