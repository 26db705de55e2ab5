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

  ClaimedBatch parse(Object reply) {
    List<?> values = Replies.list(reply, "claim");
    if (values.size() < 4) {
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
    long count = Replies.number(values.get(3), "claimed notification count");
    List<ClaimedNotification> claimed = new ArrayList<>((int) count);
    int at = 4;
    for (long n = 0; n < count; n++) {
      String id = Replies.bytesAsText(values.get(at), "claimed notification id");
      Object body = values.get(at + 1);
      int routeCount = (int) Replies.number(values.get(at + 2), "claimed route count");
      at += 3;
      Notification notification = null;
      String corruption = null;
      if (!(body instanceof byte[] json)) {
        corruption = "notification record " + keys.notification(id) + " is missing or not a string";
      } else {
        try {
          notification = notifications.decode(id, json);
        } catch (CorruptRecordException e) {
          corruption = e.getMessage();
        }
      }
      List<ClaimedRoute> routes = new ArrayList<>(routeCount);
      for (int r = 0; r < routeCount; r++, at += 3) {
        int index = (int) Replies.number(values.get(at), "route index");
        String flag = unreadable.isEmpty() ? "" : unreadable.getOrDefault(id + "\t" + index, "");
        if (flag.isEmpty() && notification != null && index >= notification.routeCount()) {
          flag = "route index " + index + " beyond the notification's " + notification.routeCount();
        }
        routes.add(
            new ClaimedRoute(
                id,
                index,
                (int) Replies.number(values.get(at + 1), "route attempts"),
                Instant.ofEpochMilli(Replies.number(values.get(at + 2), "route due")),
                flag.isEmpty() ? null : flag));
      }
      claimed.add(new ClaimedNotification(id, notification, corruption, routes));
    }
    if (at != values.size()) {
      throw new StoreException("claim reply has " + values.size() + " values, expected " + at);
    }
    Optional<Instant> next =
        nextDue < 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(nextDue));
    return new ClaimedBatch(claimed, next, quarantined);
  }
}
