package dev.herald.store.redis;

import dev.herald.domain.CancelRequest;
import dev.herald.domain.Notification;
import dev.herald.domain.RouteId;
import dev.herald.domain.RouteState;
import dev.herald.domain.RouteTransitions;
import dev.herald.store.AcceptResult;
import dev.herald.store.CancelResult;
import dev.herald.store.CorruptRecordException;
import dev.herald.store.NotificationRecord;
import dev.herald.store.NotificationRefusedException;
import dev.herald.store.NotificationStore;
import dev.herald.store.RouteRecord;
import dev.herald.store.StoreException;
import dev.herald.store.redis.RedisRouteStore.RetentionPolicy;
import dev.herald.store.redis.RouteStateCodec.Lease;
import dev.herald.store.redis.RouteStateCodec.PackedState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/** {@link NotificationStore} on Redis: accept.lua for a whole batch, reads pipelined. */
public final class RedisNotificationStore implements NotificationStore {

  private final UnifiedJedis redis;
  private final RedisKeys keys;
  private final Scripts scripts;
  private final RetentionPolicy retention;
  private final NotificationCodec codec = new NotificationCodec();
  private final FailureCodec failures = new FailureCodec();
  private final AcceptCall accepts;
  private final RedisRecipientIndex recipients;

  RedisNotificationStore(
      UnifiedJedis redis,
      RedisKeys keys,
      Scripts scripts,
      RetentionPolicy retention,
      StoredFormat format) {
    this.redis = redis;
    this.keys = keys;
    this.scripts = scripts;
    this.retention = retention;
    this.accepts = new AcceptCall(keys, codec, format);
    this.recipients = new RedisRecipientIndex(redis, keys, accepts);
  }

  /** The recipient index this store's accepts keep while it is on. */
  RedisRecipientIndex recipients() {
    return recipients;
  }

  /** The accept items of intake.lua are accept.lua's. */
  AcceptCall accepts() {
    return accepts;
  }

  @Override
  public List<AcceptResult> accept(
      List<Notification> batch, Instant now, Duration idempotencyWindow) {
    if (batch.isEmpty()) {
      return List.of();
    }
    List<String> args = accepts.args(batch, now, idempotencyWindow);
    Object reply;
    try {
      reply =
          RedisErrors.call(
              "accepting " + batch.size() + " notification(s)",
              () -> scripts.accept.run(redis, accepts.keys(), args));
    } catch (StoreException e) {
      throw refusedOne(e);
    }
    return AcceptCall.parse(reply, batch.size());
  }

  /** accept.lua's refusal of one notification ({@code ERR refused <id>: …}), else {@code e}. */
  private static StoreException refusedOne(StoreException e) {
    String message = e.getCause() == null ? null : e.getCause().getMessage();
    String marker = "refused ";
    int at = message == null ? -1 : message.indexOf("ERR " + marker);
    if (at < 0 || e instanceof NotificationRefusedException) {
      return e;
    }
    int start = at + 4 + marker.length();
    int end = message.indexOf(':', start);
    if (end < 0) {
      return e;
    }
    return new NotificationRefusedException(message.substring(start, end), e.getMessage(), e);
  }

  @Override
  public Optional<CancelResult> cancel(
      CancelRequest request, Instant now, Duration idempotencyWindow) {
    Object reply =
        RedisErrors.call(
            "cancelling notification " + request.describe(),
            () ->
                scripts.cancel.run(
                    redis,
                    List.of(
                        keys.schedule(),
                        keys.deadLetters(),
                        keys.stats(),
                        keys.retention(),
                        keys.typeFigures()),
                    List.of(
                        Long.toString(now.toEpochMilli()),
                        Long.toString(retention.published().toMillis()),
                        request.notificationId() == null ? "" : request.notificationId(),
                        request.notificationId() == null
                            ? RedisKeys.idempotencyName(
                                request.producer(), request.idempotencyKey())
                            : "",
                        Long.toString(idempotencyWindow.toMillis()))));
    List<?> values = Replies.list(reply, "cancel");
    if (values.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(CancelReplies.ofCancel(values));
  }

  @Override
  public Optional<NotificationRecord> find(String notificationId) {
    StoredRecord stored =
        RedisErrors.call("reading notification " + notificationId, () -> read(notificationId));
    if (stored.json() == null) {
      if (!stored.states().isEmpty()) {
        throw new CorruptRecordException(
            "notification "
                + notificationId
                + " has route states but no record at "
                + keys.notification(notificationId));
      }
      return Optional.empty();
    }
    Notification notification = codec.decode(notificationId, stored.json());
    return Optional.of(
        new NotificationRecord(
            notification,
            routes(
                notification,
                RouteStateCodec.orImplied(
                    RouteStateCodec.withPublished(stored.states()), notification),
                stored.failures())));
  }

  @Override
  public Optional<String> findIdByIdempotencyKey(String producer, String idempotencyKey) {
    String key = keys.idempotency(producer, idempotencyKey);
    String value = RedisErrors.call("reading idempotency key " + key, () -> redis.get(key));
    if (value == null) {
      return Optional.empty();
    }
    int bar = value.lastIndexOf('|');
    if (bar <= 0) {
      throw new CorruptRecordException(
          "idempotency key " + key + " holds '" + value + "', not <id>|<accepted ms>");
    }
    return Optional.of(value.substring(0, bar));
  }

  private record StoredRecord(
      String json, Map<String, String> states, Map<String, String> failures) {}

  private StoredRecord read(String id) {
    return FollowingPipeline.read(
        redis,
        List.of(keys.notification(id)),
        pipe -> {
          Response<String> body = pipe.get(keys.notification(id));
          Response<Map<String, String>> states = pipe.hgetAll(keys.routes(id));
          Response<Map<String, String>> failures = pipe.hgetAll(keys.failures(id));
          return () -> new StoredRecord(body.get(), states.get(), failures.get());
        });
  }

  private List<RouteRecord> routes(
      Notification n, Map<String, String> states, Map<String, String> history) {
    List<RouteRecord> routes = new ArrayList<>(n.routeCount());
    for (int i = 0; i < n.routeCount(); i++) {
      String key = Integer.toString(i);
      Lease lease = RouteStateCodec.parseLease(states.get("L" + (i - i % RouteGroups.SIZE)));
      routes.add(
          route(
              i,
              n.route(i),
              RouteStateCodec.stateText(states, i),
              lease,
              history.get(key),
              n.acceptedAt()));
    }
    return routes;
  }

  private RouteRecord route(
      int index, RouteId id, String raw, Lease lease, String failureLines, Instant fallback) {
    PackedState s = RouteStateCodec.parse(raw);
    if (s == null) {
      throw new CorruptRecordException(
          "route " + id + " (index " + index + "): unreadable state '" + raw + "'");
    }
    RouteState state = s.state();
    // A route a claim may lease (an edge into leased) that was due when its group's lease was
    // taken is in a worker's hands.
    boolean waiting = RouteTransitions.allows(state, RouteState.LEASED);
    boolean leased = waiting && lease != null && !s.time().isAfter(lease.claimedAt());
    boolean ended =
        state == RouteState.DEAD_LETTER
            || state == RouteState.EXPIRED
            || state == RouteState.CANCELLED
            || state == RouteState.PURGED;
    return new RouteRecord(
        index,
        id,
        leased ? RouteState.LEASED : state,
        s.attempts(),
        waiting ? s.time() : null,
        leased ? lease.until() : null,
        leased ? lease.token() : null,
        state == RouteState.PUBLISHED ? s.time() : null,
        s.entryId(),
        ended ? s.time() : null,
        failures.decodeHistory(failureLines, fallback));
  }
}
