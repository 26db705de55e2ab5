package dev.herald.store.redis;

import dev.herald.domain.Notification;
import dev.herald.store.ClaimedBatch;
import dev.herald.store.ClaimedNotification;
import dev.herald.store.ClaimedRoute;
import dev.herald.store.CorruptRecordException;
import dev.herald.store.StoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads claim.lua's reply (format in its header) into a {@link ClaimedBatch}. */
final class ClaimReply {

  private final NotificationCodec notifications;
  private final RedisKeys keys;

  ClaimReply(NotificationCodec notifications, RedisKeys keys) {
    this.notifications = notifications;
    this.keys = keys;
  }

  /** A notification of the reply while its blocks are read. */
  private static final class Claimed {
    Notification notification;
    String corruption;
    final List<ClaimedRoute> routes = new ArrayList<>();
  }

  private Claimed decode(String id, Object body) {
    Claimed c = new Claimed();
    if (!(body instanceof byte[] json)) {
      c.corruption = "notification record " + keys.notification(id) + " is missing or not a string";
    } else {
      try {
        c.notification = notifications.decode(id, json);
      } catch (CorruptRecordException e) {
        c.corruption = e.getMessage();
      }
    }
    return c;
  }

  /** Why the route cannot be worked on, or null. */
  private static String flag(String id, Claimed c, Map<String, String> unreadable, int index) {
    String flag = unreadable.isEmpty() ? null : unreadable.get(id + "\t" + index);
    if (flag == null && c.notification != null && index >= c.notification.routeCount()) {
      flag = "route index " + index + " beyond the notification's " + c.notification.routeCount();
    }
    return flag;
  }

  /**
   * A parsed reply.
   *
   * @param redisMillis Redis's clock as the claim ran
   */
  record Parsed(ClaimedBatch batch, long redisMillis) {}

  Parsed parse(Object reply) {
    List<?> values = Replies.list(reply, "claim");
    if (values.size() < 6) {
      throw new StoreException("unexpected claim reply of " + values.size() + " values");
    }
    long nextDue = Replies.number(values.get(0), "claim next due");
    List<String> quarantined = new ArrayList<>();
    for (Object q : Replies.list(values.get(1), "claim quarantined")) {
      quarantined.add(Replies.bytesAsText(q, "quarantined member"));
    }
    Map<String, String> unreadable = new HashMap<>();
    for (Object u : Replies.list(values.get(2), "claim unreadable routes")) {
      String[] parts = Replies.bytesAsText(u, "unreadable route").split("\t", 3);
      unreadable.put(parts[0] + "\t" + parts[1], parts.length > 2 ? parts[2] : "unreadable");
    }
    long redisMillis = Replies.number(values.get(3), "claim Redis time");
    boolean stoppedByBytes = Replies.number(values.get(4), "claim byte budget reached") == 1;
    long blocks = Replies.number(values.get(5), "claimed block count");
    // One block per claimed group; a notification with several groups comes back in several
    // blocks, its body only in the first.
    Map<String, Claimed> byId = new LinkedHashMap<>();
    int at = 6;
    for (long b = 0; b < blocks; b++) {
      String id = Replies.bytesAsText(values.get(at), "claimed notification id");
      Object body = values.get(at + 1);
      long runs = Replies.number(values.get(at + 2), "claimed run count");
      at += 3;
      Claimed c = byId.get(id);
      if (c == null) {
        c = decode(id, body);
        byId.put(id, c);
      }
      for (long r = 0; r < runs; r++, at += 4) {
        int firstIndex = (int) Replies.number(values.get(at), "run first index");
        long count = Replies.number(values.get(at + 1), "run length");
        int attempts = (int) Replies.number(values.get(at + 2), "run attempts");
        Instant due = Instant.ofEpochMilli(Replies.number(values.get(at + 3), "run due"));
        for (int index = firstIndex; index < firstIndex + count; index++) {
          c.routes.add(
              new ClaimedRoute(
                  id,
                  index,
                  attempts,
                  due,
                  flag(id, c, unreadable, index),
                  c.notification == null ? "" : c.notification.type()));
        }
      }
    }
    List<ClaimedNotification> claimed = new ArrayList<>(byId.size());
    byId.forEach(
        (id, c) ->
            claimed.add(new ClaimedNotification(id, c.notification, c.corruption, c.routes)));
    if (at != values.size()) {
      throw new StoreException("claim reply has " + values.size() + " values, expected " + at);
    }
    Optional<Instant> next =
        nextDue < 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(nextDue));
    return new Parsed(new ClaimedBatch(claimed, next, quarantined, stoppedByBytes), redisMillis);
  }
}
