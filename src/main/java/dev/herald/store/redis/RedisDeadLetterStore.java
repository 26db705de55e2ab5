package dev.herald.store.redis;

import dev.herald.domain.Notification;
import dev.herald.domain.RouteState;
import dev.herald.store.CorruptRecordException;
import dev.herald.store.DeadLetter;
import dev.herald.store.DeadLetterStore;
import dev.herald.store.StoreException;
import dev.herald.store.redis.RedisRouteStore.RetentionPolicy;
import dev.herald.store.redis.RouteStateCodec.PackedState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@link DeadLetterStore} on Redis: dead_page.lua reads a page with everything shown of it in one
 * round trip; requeue.lua and purge.lua change a slice of routes per call.
 */
final class RedisDeadLetterStore implements DeadLetterStore {

  private final UnifiedJedis redis;
  private final RedisKeys keys;
  private final Scripts scripts;
  private final RetentionPolicy retention;
  private final NotificationCodec notifications = new NotificationCodec();
  private final FailureCodec failures = new FailureCodec();
  private final DeadLetterImports imports;

  RedisDeadLetterStore(
      UnifiedJedis redis,
      RedisKeys keys,
      Scripts scripts,
      RetentionPolicy retention,
      StoredFormat format) {
    this.redis = redis;
    this.keys = keys;
    this.scripts = scripts;
    this.retention = retention;
    this.imports = new DeadLetterImports(redis, keys, scripts.importDead, format);
  }

  @Override
  public Cursor cursorAt(DeadLetter d) {
    return new Cursor(d.deadSince(), d.notificationId() + ":" + d.index()); // the index member
  }

  @Override
  public Page page(Window window, Cursor after, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("page limit must be positive (was " + limit + ")");
    }
    List<String> args =
        List.of(
            window.until().map(RedisDeadLetterStore::ms).orElse(""),
            window.since().map(RedisDeadLetterStore::ms).orElse(""),
            after == null ? "" : ms(after.deadSince()),
            after == null ? "" : after.position(),
            Integer.toString(limit));
    Object reply =
        RedisErrors.call(
            "reading dead letters",
            () -> scripts.deadPage.run(redis, List.of(keys.deadLetters()), args));
    return parsePage(Replies.list(reply, "dead_page"));
  }

  private Page parsePage(List<?> values) {
    boolean last = Replies.number(values.get(0), "dead_page last") == 1;
    int count = (int) Replies.number(values.get(1), "dead_page count");
    int bodiesAt = 2 + 4 * count;
    Map<String, String> bodies = new HashMap<>();
    for (int at = bodiesAt; at + 1 < values.size(); at += 2) {
      bodies.put(
          Replies.text(values.get(at), "dead letter notification id"),
          Replies.text(values.get(at + 1), "dead letter notification record"));
    }
    Map<String, Decoded> decoded = new HashMap<>();
    List<DeadLetter> deadLetters = new ArrayList<>(count);
    Cursor next = null;
    for (int at = 2; at < bodiesAt; at += 4) {
      String member = Replies.text(values.get(at), "dead letter member");
      Instant deadSince =
          Instant.ofEpochMilli(
              (long) Double.parseDouble(Replies.text(values.get(at + 1), "dead since")));
      next = new Cursor(deadSince, member);
      PackedState state = RouteStateCodec.parse(Replies.text(values.get(at + 2), "route state"));
      int colon = member.lastIndexOf(':');
      if (state == null || state.state() != RouteState.DEAD_LETTER || colon < 0) {
        continue; // an index entry left behind; requeue and purge remove such entries
      }
      String id = member.substring(0, colon);
      Decoded n = decoded.computeIfAbsent(id, k -> decode(k, bodies.get(k)));
      deadLetters.add(
          new DeadLetter(
              id,
              Integer.parseInt(member.substring(colon + 1)),
              n.notification(),
              n.corruption(),
              state.attempts(),
              deadSince,
              failures.decodeHistory(
                  Replies.text(values.get(at + 3), "failure history"), deadSince)));
    }
    return new Page(deadLetters, count, last ? Optional.empty() : Optional.ofNullable(next));
  }

  private record Decoded(Notification notification, String corruption) {}

  private Decoded decode(String id, String body) {
    if (body == null) {
      return new Decoded(
          null, "notification record " + keys.notification(id) + " is missing or not a string");
    }
    try {
      return new Decoded(notifications.decode(id, body), null);
    } catch (CorruptRecordException e) {
      return new Decoded(null, e.getMessage());
    }
  }

  @Override
  public long count(Window window) {
    String min = window.since().map(RedisDeadLetterStore::ms).orElse("-inf");
    String max = window.until().map(RedisDeadLetterStore::ms).orElse("+inf");
    return RedisErrors.call(
        "counting dead letters", () -> redis.zcount(keys.deadLetters(), min, max));
  }

  @Override
  public List<Change> requeue(List<Requeue> routes, boolean keepAttempts, Instant now) {
    checkSlice(routes.size());
    if (routes.isEmpty()) {
      return List.of();
    }
    List<String> args = new ArrayList<>(2 + 3 * routes.size());
    args.add(ms(now));
    args.add(keepAttempts ? "1" : "0");
    for (Requeue r : routes) {
      args.add(r.route().notificationId());
      args.add(Integer.toString(r.route().index()));
      args.add(ms(r.at()));
    }
    Object reply =
        RedisErrors.call(
            "requeueing " + routes.size() + " dead letter(s)",
            () ->
                scripts.requeue.run(
                    redis,
                    List.of(keys.schedule(), keys.deadLetters(), keys.stats(), keys.typeFigures()),
                    args));
    return changes(Replies.list(reply, "requeue"), routes.stream().map(Requeue::route).toList());
  }

  @Override
  public List<Change> purge(List<Route> routes, Instant now) {
    checkSlice(routes.size());
    if (routes.isEmpty()) {
      return List.of();
    }
    List<String> args = purgeArgs(now, "routes");
    for (Route r : routes) {
      args.add(r.notificationId());
      args.add(Integer.toString(r.index()));
    }
    return changes(runPurge("purging " + routes.size() + " dead letter(s)", args), routes);
  }

  @Override
  public List<ImportResult> importDeadLetters(List<Import> items, Instant now) {
    return imports.store(items, now);
  }

  @Override
  public RetentionPurge purgeOldest(
      Optional<Long> keepAtMost, Optional<Instant> deadBefore, Instant now, int limit) {
    List<String> args = purgeArgs(now, "caps");
    args.add(Long.toString(keepAtMost.orElse(-1L)));
    args.add(deadBefore.map(RedisDeadLetterStore::ms).orElse("-1"));
    args.add(Integer.toString(limit));
    List<?> reply = runPurge("purging dead letters beyond the retention", args);
    return new RetentionPurge(
        (int) Replies.number(reply.get(0), "purged by count"),
        (int) Replies.number(reply.get(1), "purged by age"));
  }

  private List<String> purgeArgs(Instant now, String mode) {
    List<String> args = new ArrayList<>();
    args.add(ms(now));
    args.add(Long.toString(retention.published().toMillis()));
    args.add(mode);
    return args;
  }

  private List<?> runPurge(String what, List<String> args) {
    Object reply =
        RedisErrors.call(
            what,
            () ->
                scripts.purge.run(
                    redis,
                    List.of(keys.deadLetters(), keys.stats(), keys.typeFigures(), keys.retention()),
                    args));
    return Replies.list(reply, "purge");
  }

  private static List<Change> changes(List<?> reply, List<Route> routes) {
    if (reply.size() != 2 * routes.size()) {
      throw new StoreException(
          "dead-letter script replied with " + reply.size() + " values for " + routes.size());
    }
    List<Change> changes = new ArrayList<>(routes.size());
    for (int i = 0; i < routes.size(); i++) {
      String status = Replies.text(reply.get(2 * i), "dead-letter status");
      Object detail = reply.get(2 * i + 1);
      changes.add(
          switch (status) {
            case "requeued", "purged" -> new Change(routes.get(i), Change.Outcome.CHANGED, "");
            case "skipped" ->
                new Change(routes.get(i), Change.Outcome.NOT_DEAD, statusOf((String) detail));
            case "error" -> new Change(routes.get(i), Change.Outcome.FAILED, (String) detail);
            default -> throw new StoreException("dead-letter script replied " + status);
          });
    }
    return changes;
  }

  /** The display name of a state letter, for "not a dead letter (it is published)". */
  private static String statusOf(String letter) {
    RouteState state = RouteStateCodec.ofLetter(letter);
    return letter.length() != 1 ? "" : state == null ? letter : state.displayName();
  }

  private static void checkSlice(int size) {
    if (size > MAX_SLICE) {
      throw new IllegalArgumentException(
          "at most " + MAX_SLICE + " routes per call (was " + size + ")");
    }
  }

  private static String ms(Instant t) {
    return Long.toString(t.toEpochMilli());
  }
}
