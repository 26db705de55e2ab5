package dev.herald.store.redis;

import dev.herald.domain.Channel;
import dev.herald.domain.Notification;
import dev.herald.store.ClaimRequest;
import dev.herald.store.ClaimedBatch;
import dev.herald.store.ClaimedNotification;
import dev.herald.store.ClaimedRoute;
import dev.herald.store.CorruptRecordException;
import dev.herald.store.PublishedRoute;
import dev.herald.store.RateTokens;
import dev.herald.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The keys and arguments of claim.lua (layout in its header), and the reading of its reply into a
 * {@link ClaimedBatch}.
 */
final class ClaimCall {

  private final NotificationCodec notifications;
  private final RedisKeys keys;
  private final List<byte[]> scriptKeys;

  ClaimCall(NotificationCodec notifications, RedisKeys keys) {
    this.notifications = notifications;
    this.keys = keys;
    this.scriptKeys =
        new ScriptArgs(7)
            .add(keys.schedule())
            .add(keys.quarantine())
            .add(keys.stats())
            .add(keys.retention())
            .add(keys.typeFigures())
            .add(keys.channelControls())
            .add(keys.channelBuckets())
            .list();
  }

  /** The keys of a claim; {@code inline}'s streams after the fixed ones, in its order. */
  List<byte[]> keys(List<Channel> inline) {
    if (inline.isEmpty()) {
      return scriptKeys;
    }
    ScriptArgs list = new ScriptArgs(scriptKeys.size() + inline.size());
    scriptKeys.forEach(list::add);
    inline.forEach(c -> list.add(keys.stream(c.stream())));
    return list.list();
  }

  /**
   * @param retention how long a notification stays once all its routes finished (expired ones)
   * @param rateLimits the config's routes/s by channel (an operator's setting in Redis wins)
   * @param clockOffsetMillis the caller's clock minus Redis's, for the expiry check of inline
   *     publishing
   * @param storedFormat the format the store writes ({@link StoredFormat#writing}): from 4 on the
   *     routes published inline are written packed, one field per group (lib/states.lua)
   */
  List<byte[]> args(
      ClaimRequest request,
      Duration retention,
      Map<String, Long> rateLimits,
      long clockOffsetMillis,
      int storedFormat) {
    List<Channel> inline = request.inline();
    Map<String, RateTokens.Grant> grants = request.grants().orElse(null);
    ScriptArgs args =
        new ScriptArgs(
                11
                    + 2 * rateLimits.size()
                    + 2 * inline.size()
                    + (grants == null ? 0 : 3 * grants.size()))
            .add(request.now().toEpochMilli())
            .add(request.now().plus(request.lease()).toEpochMilli())
            .add(request.leaseToken())
            .add(request.maxRoutes())
            .add(retention.toMillis())
            .add(request.maxBytes())
            .add(storedFormat >= StoredFormat.PACKED_PUBLISHED ? 1 : 0)
            .add(rateLimits.size());
    rateLimits.forEach((channel, perSecond) -> args.add(channel).add(perSecond));
    args.add(clockOffsetMillis).add(inline.size());
    inline.forEach(c -> args.add(c.name()).add(c.maxLength()));
    // One store of one Redis keeps its own buckets; a shard of several spends what it was granted.
    if (grants != null) {
      args.add(grants.size());
      grants.forEach((channel, g) -> args.add(channel).add(g.perSecond()).add(g.tokens()));
    }
    return args.list();
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

  /**
   * @param inline the channels the claim was given for inline publishing
   */
  Parsed parse(Object reply, List<Channel> inline) {
    List<?> values = Replies.list(reply, "claim");
    if (values.size() < 7) {
      throw new StoreException("unexpected claim reply of " + values.size() + " values");
    }
    long nextDue = Replies.number(values.get(0), "claim next due");
    List<String> quarantined = new ArrayList<>();
    List<?> aside = Replies.list(values.get(1), "claim quarantined");
    for (int q = 0; q + 1 < aside.size(); q += 2) {
      quarantined.add(
          Replies.bytesAsText(aside.get(q), "quarantined member")
              + "\t"
              + Replies.bytesAsText(aside.get(q + 1), "quarantine reason"));
    }
    Map<String, String> unreadable = new HashMap<>();
    List<?> flagged = Replies.list(values.get(2), "claim unreadable routes");
    for (int u = 0; u + 2 < flagged.size(); u += 3) {
      unreadable.put(
          Replies.bytesAsText(flagged.get(u), "unreadable route's notification")
              + "\t"
              + Replies.number(flagged.get(u + 1), "unreadable route's index"),
          Replies.bytesAsText(flagged.get(u + 2), "why the route is unreadable"));
    }
    long redisMillis = Replies.number(values.get(3), "claim Redis time");
    boolean stoppedByBytes = Replies.number(values.get(4), "claim byte budget reached") == 1;
    long blocks = Replies.number(values.get(6), "claimed block count");
    // One block per claimed group; a notification with several groups comes back in several
    // blocks, its body only in the first.
    Map<String, Claimed> byId = new LinkedHashMap<>();
    List<PublishedRoute> published = new ArrayList<>();
    int at = 7;
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
      for (long r = 0; r < runs; r++) {
        int firstIndex = (int) Replies.number(values.get(at), "run first index");
        long count = Replies.number(values.get(at + 1), "run length");
        int attempts = (int) Replies.number(values.get(at + 2), "run attempts");
        Instant due = Instant.ofEpochMilli(Replies.number(values.get(at + 3), "run due"));
        boolean inlined = Replies.number(values.get(at + 4), "run published inline") == 1;
        at += 5;
        for (int index = firstIndex; index < firstIndex + count; index++) {
          if (inlined) {
            // Its entry id is in the route hash only (claim.lua's reply carries none).
            ClaimedRoute route = new ClaimedRoute(id, index, attempts, due, null, c.notification);
            published.add(new PublishedRoute(route, streamOf(id, c, index, inline)));
          } else {
            c.routes.add(
                new ClaimedRoute(
                    id, index, attempts, due, flag(id, c, unreadable, index), c.notification));
          }
        }
      }
    }
    List<ClaimedNotification> claimed = new ArrayList<>(byId.size());
    byId.forEach(
        (id, c) -> {
          if (!c.routes.isEmpty()) {
            claimed.add(new ClaimedNotification(id, c.notification, c.corruption, c.routes));
          }
        });
    if (published.size() != Replies.number(values.get(5), "claim published count")) {
      throw new StoreException(
          "claim reported "
              + values.get(5)
              + " routes published inline, and listed "
              + published.size());
    }
    if (at != values.size()) {
      throw new StoreException("claim reply has " + values.size() + " values, expected " + at);
    }
    Optional<Instant> next =
        nextDue < 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(nextDue));
    return new Parsed(
        new ClaimedBatch(claimed, next, quarantined, stoppedByBytes, published), redisMillis);
  }

  /** True when a claim's reply reports routes published inline (its WAIT is for them). */
  static boolean publishedAny(Object reply) {
    return reply instanceof List<?> values
        && values.size() > 5
        && values.get(5) instanceof Long published
        && published > 0;
  }

  /**
   * The configured stream a route published inline went to: its channel's among {@code inline}. The
   * script publishes only a record it reads as Java does, so an unreadable one here is a broken
   * reply.
   */
  private static String streamOf(String id, Claimed c, int index, List<Channel> inline) {
    if (c.notification == null || index >= c.notification.routeCount()) {
      throw new StoreException(
          "claim published route "
              + id
              + "#"
              + index
              + " inline, but its record does not read: "
              + c.corruption);
    }
    String channel = c.notification.route(index).channel();
    for (Channel candidate : inline) {
      if (candidate.name().equals(channel)) {
        return candidate.stream();
      }
    }
    throw new StoreException(
        "claim published route "
            + id
            + "#"
            + index
            + " inline to channel "
            + channel
            + ", which it was not given");
  }
}
