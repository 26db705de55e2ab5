package dev.herald.store.redis;

import dev.herald.domain.Channel;
import dev.herald.domain.Failure;
import dev.herald.domain.FailureKind;
import dev.herald.domain.Notification;
import dev.herald.store.ClaimedBatch;
import dev.herald.store.ClaimedNotification;
import dev.herald.store.ClaimedRoute;
import dev.herald.store.CompletionReport;
import dev.herald.store.CompletionReport.RouteResult;
import dev.herald.store.CompletionReport.Status;
import dev.herald.store.CorruptRecordException;
import dev.herald.store.RouteOutcome;
import dev.herald.store.RouteStore;
import dev.herald.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/** {@link RouteStore} on Redis: claim.lua and complete.lua, one call each per batch. */
public final class RedisRouteStore implements RouteStore {

  private final UnifiedJedis redis;
  private final RedisKeys keys;
  private final Scripts scripts;
  private final NotificationCodec notifications = new NotificationCodec();
  private final FailureCodec failures = new FailureCodec();
  private final RetentionPolicy retention;

  /**
   * How long finished records stay, and how many failed attempts a route keeps.
   *
   * @param published how long a notification stays once all its routes finished
   * @param failureHistory failed attempts kept per route
   */
  public record RetentionPolicy(Duration published, int failureHistory) {}

  RedisRouteStore(UnifiedJedis redis, RedisKeys keys, Scripts scripts, RetentionPolicy retention) {
    this.redis = redis;
    this.keys = keys;
    this.scripts = scripts;
    this.retention = retention;
  }

  @Override
  public ClaimedBatch claimDue(Instant now, Duration lease, String leaseToken, int maxRoutes) {
    if (leaseToken.indexOf('|') >= 0) {
      throw new IllegalArgumentException("lease token must not contain '|': " + leaseToken);
    }
    Object reply =
        RedisErrors.call(
            "claiming due routes",
            () ->
                scripts.claim.run(
                    redis,
                    List.of(keys.schedule(), keys.quarantine(), keys.stats()),
                    List.of(
                        keys.prefix(),
                        Long.toString(now.toEpochMilli()),
                        Long.toString(now.plus(lease).toEpochMilli()),
                        leaseToken,
                        Integer.toString(maxRoutes))));
    return parseClaim(reply);
  }

  private ClaimedBatch parseClaim(Object reply) {
    List<?> values = Replies.list(reply, "claim");
    if (values.size() < 3) {
      throw new StoreException("unexpected claim reply of " + values.size() + " values: " + values);
    }
    long nextDue = Replies.number(values.get(0), "claim next due");
    List<String> quarantined = new ArrayList<>();
    for (Object q : Replies.list(values.get(1), "claim quarantined")) {
      quarantined.add(Replies.text(q, "quarantined member"));
    }
    long count = Replies.number(values.get(2), "claimed notification count");
    List<ClaimedNotification> claimed = new ArrayList<>((int) count);
    int at = 3;
    for (long n = 0; n < count; n++) {
      String id = Replies.text(values.get(at), "claimed notification id");
      String body = Replies.text(values.get(at + 1), "claimed notification body");
      int routeCount = (int) Replies.number(values.get(at + 2), "claimed route count");
      at += 3;
      Notification notification = null;
      String corruption = null;
      if (body == null) {
        corruption = "notification record " + keys.notification(id) + " is missing or not a string";
      } else {
        try {
          notification = notifications.decode(id, body);
        } catch (CorruptRecordException e) {
          corruption = e.getMessage();
        }
      }
      List<ClaimedRoute> routes = new ArrayList<>(routeCount);
      for (int r = 0; r < routeCount; r++, at += 4) {
        int index = (int) Replies.number(values.get(at), "route index");
        String flag = Replies.text(values.get(at + 3), "route flag");
        if (flag.isEmpty() && notification != null && index >= notification.routeCount()) {
          flag = "route index " + index + " beyond the notification's " + notification.routeCount();
        }
        routes.add(
            new ClaimedRoute(
                id,
                index,
                (int) Replies.number(values.get(at + 1), "route attempts"),
                Instant.ofEpochMilli(Replies.number(values.get(at + 2), "route due")),
                flag.isEmpty() ? null : flag,
                notification == null ? null : notification.type()));
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

  @Override
  public CompletionReport complete(String leaseToken, Instant now, List<RouteOutcome> outcomes) {
    if (outcomes.isEmpty()) {
      return new CompletionReport(List.of(), null);
    }
    CompletionCall call = new CompletionCall(outcomes);
    Object reply =
        RedisErrors.call(
            "recording publish outcomes",
            () -> scripts.complete.run(redis, call.keys(), call.args(leaseToken, now)));
    return call.parse(Replies.list(reply, "complete"), now);
  }

  @Override
  public int retireFinished(Instant now, int limit) {
    Object reply =
        RedisErrors.call(
            "deleting finished notifications",
            () ->
                scripts.retire.run(
                    redis,
                    List.of(keys.retention(), keys.stats()),
                    List.of(
                        keys.prefix(),
                        Long.toString(now.toEpochMilli()),
                        Integer.toString(limit))));
    return (int) Replies.number(reply, "retire");
  }

  /** The arguments of one complete.lua call, and the reading of its reply. */
  private final class CompletionCall {
    private final Map<String, List<RouteOutcome>> byNotification = new LinkedHashMap<>();
    private final Map<String, Integer> streamNumbers = new LinkedHashMap<>();
    private final List<Channel> streams = new ArrayList<>();
    private final List<RouteOutcome> ordered = new ArrayList<>();

    CompletionCall(List<RouteOutcome> outcomes) {
      for (RouteOutcome outcome : outcomes) {
        byNotification
            .computeIfAbsent(outcome.route().notificationId(), id -> new ArrayList<>())
            .add(outcome);
        if (outcome instanceof RouteOutcome.Publish p) {
          Channel channel = p.event().channel();
          if (!streamNumbers.containsKey(channel.stream())) {
            streams.add(channel);
            streamNumbers.put(channel.stream(), streams.size());
          }
        }
      }
      byNotification.values().forEach(ordered::addAll);
    }

    List<String> keys() {
      List<String> list = new ArrayList<>(5 + streams.size());
      list.add(keys.schedule());
      list.add(keys.deadLetters());
      list.add(keys.stats());
      list.add(keys.retention());
      streams.forEach(c -> list.add(c.stream()));
      list.add(keys.typeFigures());
      return list;
    }

    List<String> args(String leaseToken, Instant now) {
      List<String> args = new ArrayList<>(16 + ordered.size() * 12);
      args.add(keys.prefix());
      args.add(Long.toString(now.toEpochMilli()));
      args.add(leaseToken);
      args.add(Integer.toString(retention.failureHistory()));
      args.add(Long.toString(retention.published().toMillis()));
      args.add(Integer.toString(streams.size()));
      streams.forEach(c -> args.add(Long.toString(c.maxLength())));
      for (Map.Entry<String, List<RouteOutcome>> entry : byNotification.entrySet()) {
        args.add(entry.getKey());
        String type = entry.getValue().get(0).route().type();
        args.add(type == null ? "" : type);
        List<String> shared = sharedFields(entry.getValue());
        args.add(Integer.toString(shared.size()));
        args.addAll(shared);
        args.add(Integer.toString(entry.getValue().size()));
        for (RouteOutcome outcome : entry.getValue()) {
          addRoute(args, outcome);
        }
      }
      return args;
    }

    private List<String> sharedFields(List<RouteOutcome> outcomes) {
      for (RouteOutcome outcome : outcomes) {
        if (outcome instanceof RouteOutcome.Publish p) {
          return p.event().shared().fields();
        }
      }
      return List.of();
    }

    private void addRoute(List<String> args, RouteOutcome outcome) {
      ClaimedRoute route = outcome.route();
      args.add(Integer.toString(route.index()));
      args.add(Integer.toString(route.attempts()));
      if (outcome instanceof RouteOutcome.Publish p) {
        args.add("P");
        args.add(Integer.toString(streamNumbers.get(p.event().channel().stream())));
        args.add(p.event().eventId());
        args.add(p.event().userId());
        args.add(p.event().routeId());
        args.add(
            p.retryAtIfAppendFails() == null
                ? "-1"
                : Long.toString(p.retryAtIfAppendFails().toEpochMilli()));
      } else if (outcome instanceof RouteOutcome.Retry r) {
        args.add("R");
        args.add(Long.toString(r.retryAt().toEpochMilli()));
        args.add(failures.encode(r.failure()));
      } else if (outcome instanceof RouteOutcome.DeadLetter d) {
        args.add("D");
        args.add(failures.encode(d.failure()));
      }
    }

    CompletionReport parse(List<?> reply, Instant now) {
      if (reply.size() != ordered.size() * 2) {
        throw new StoreException(
            "complete replied with " + reply.size() + " values for " + ordered.size() + " routes");
      }
      List<RouteResult> results = new ArrayList<>(ordered.size());
      String sinkError = null;
      for (int i = 0; i < ordered.size(); i++) {
        ClaimedRoute route = ordered.get(i).route();
        String status = Replies.text(reply.get(2 * i), "complete status");
        String detail = Replies.text(reply.get(2 * i + 1), "complete detail");
        results.add(
            switch (status) {
              case "published" -> new RouteResult(route, Status.PUBLISHED, detail, null);
              case "retry" ->
                  new RouteResult(
                      route, Status.RETRY_SCHEDULED, null, failures.decode(detail, now));
              case "dead" ->
                  new RouteResult(route, Status.DEAD_LETTERED, null, failures.decode(detail, now));
              case "stale" -> new RouteResult(route, Status.LEASE_LOST, null, null);
              case "unavailable" ->
                  new RouteResult(
                      route,
                      Status.SINK_UNAVAILABLE,
                      null,
                      new Failure(
                          FailureKind.GATEWAY_STREAM_PUBLISH_FAILED, detail, now, route.attempt()));
              default -> throw new StoreException("complete replied with unknown status " + status);
            });
        if ("unavailable".equals(status) && sinkError == null) {
          sinkError = detail;
        }
      }
      return new CompletionReport(results, sinkError);
    }
  }
}
