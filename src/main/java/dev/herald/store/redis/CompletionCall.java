package dev.herald.store.redis;

import dev.herald.domain.Channel;
import dev.herald.domain.Failure;
import dev.herald.domain.FailureKind;
import dev.herald.domain.GatewayEvent;
import dev.herald.store.ClaimedRoute;
import dev.herald.store.CompletionReport;
import dev.herald.store.CompletionReport.RouteResult;
import dev.herald.store.CompletionReport.Status;
import dev.herald.store.RouteOutcome;
import dev.herald.store.StoreException;
import dev.herald.store.redis.RedisRouteStore.RetentionPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The keys and arguments of one complete.lua call (layout in its header), and the reading of its
 * reply. Outcomes are sent grouped by notification, with the fields the notification's routes share
 * (above all the payload) once per notification.
 */
final class CompletionCall {

  private static final int PUBLISH = 100;
  private static final int RETRY = 200;
  private static final int DEAD = 300;
  private static final int DEFER = 400;
  private static final int PROBE = 500;
  private static final int FOLLOW = 600;

  /** Index and attempts travel as one number: index * 2^20 + attempts (see complete.lua). */
  private static final long INDEX_FACTOR = 1L << 20;

  private static final byte[] NEVER = ScriptArgs.number(-1);

  private final RedisKeys keys;
  private final RetentionPolicy retention;
  private final FailureCodec failures;
  private final Map<String, List<RouteOutcome>> byNotification = new LinkedHashMap<>();
  private final Map<String, Integer> streamNumbers = new LinkedHashMap<>();
  private final List<Channel> streams = new ArrayList<>();
  private final List<RouteOutcome> ordered;

  CompletionCall(
      List<RouteOutcome> outcomes,
      RedisKeys keys,
      RetentionPolicy retention,
      FailureCodec failures) {
    this.keys = keys;
    this.retention = retention;
    this.failures = failures;
    for (RouteOutcome outcome : outcomes) {
      byNotification
          .computeIfAbsent(outcome.route().notificationId(), id -> new ArrayList<>())
          .add(outcome);
      GatewayEvent event = eventOf(outcome);
      if (event != null && !streamNumbers.containsKey(event.channel().stream())) {
        streams.add(event.channel());
        streamNumbers.put(event.channel().stream(), streams.size());
      }
    }
    ordered = new ArrayList<>(outcomes.size());
    byNotification.values().forEach(ordered::addAll);
  }

  List<byte[]> keys() {
    ScriptArgs list = new ScriptArgs(4 + streams.size());
    list.add(keys.schedule()).add(keys.deadLetters()).add(keys.stats()).add(keys.retention());
    streams.forEach(c -> list.add(c.stream()));
    list.add(keys.typeFigures());
    return list.list();
  }

  /**
   * @param clockOffsetMillis the caller's clock minus Redis's, for the expiry check
   * @param refusedRetryAt when a route whose stream refused its append is due again
   */
  List<byte[]> args(
      String leaseToken, Instant now, long clockOffsetMillis, Instant refusedRetryAt) {
    ScriptArgs args = new ScriptArgs(16 + byNotification.size() * 12 + ordered.size() * 8);
    args.add(keys.prefix()).add(now.toEpochMilli()).add(leaseToken);
    args.add(retention.failureHistory()).add(retention.published().toMillis());
    args.add(clockOffsetMillis).add(refusedRetryAt.toEpochMilli());
    args.add(streams.size());
    streams.forEach(c -> args.add(c.maxLength()));
    // Most routes of a batch share a retry time (the same attempt failed at the same instant).
    Map<Instant, byte[]> retryTimes = new IdentityHashMap<>();
    for (Map.Entry<String, List<RouteOutcome>> entry : byNotification.entrySet()) {
      args.add(entry.getKey());
      String type = entry.getValue().get(0).route().type(); // for the route figures by type
      args.add(type == null ? "" : type);
      List<String> shared = sharedFields(entry.getValue());
      args.add(shared.size());
      shared.forEach(args::add);
      // The groups first, and the size of the route block, so that the script reads every lease
      // before its first write without walking the routes twice.
      Set<Integer> groups = new LinkedHashSet<>();
      int values = 0;
      for (RouteOutcome outcome : entry.getValue()) {
        groups.add(outcome.route().index() - outcome.route().index() % RouteGroups.SIZE);
        values += argCount(outcome);
      }
      args.add(groups.size());
      groups.forEach(args::add);
      args.add(entry.getValue().size()).add(values);
      for (RouteOutcome outcome : entry.getValue()) {
        ClaimedRoute route = outcome.route();
        args.add(route.index() * INDEX_FACTOR + route.attempts());
        if (outcome instanceof RouteOutcome.Publish p) {
          args.add((p.probe() ? PROBE : PUBLISH) + streamNumbers.get(p.event().channel().stream()));
          args.add(p.event().eventId()).add(p.event().userId()).add(p.event().routeId());
          Instant retryAt = p.retryAtIfAppendFails();
          args.add(
              retryAt == null
                  ? NEVER
                  : retryTimes.computeIfAbsent(retryAt, t -> ScriptArgs.number(t.toEpochMilli())));
        } else if (outcome instanceof RouteOutcome.Retry r) {
          args.add(RETRY).add(r.retryAt().toEpochMilli()).add(failures.encode(r.failure()));
        } else if (outcome instanceof RouteOutcome.DeadLetter d) {
          args.add(DEAD).add(failures.encode(d.failure()));
        } else if (outcome instanceof RouteOutcome.Defer d) {
          args.add(DEFER).add(d.until().toEpochMilli());
        } else if (outcome instanceof RouteOutcome.Follow f) {
          args.add(FOLLOW + streamNumbers.get(f.event().channel().stream()));
          args.add(f.event().eventId()).add(f.event().userId()).add(f.event().routeId());
          args.add(f.until().toEpochMilli());
        }
      }
    }
    return args.list();
  }

  /** The values one route takes in the arguments (complete.lua's ROUTE_ARGS). */
  private static int argCount(RouteOutcome outcome) {
    if (outcome instanceof RouteOutcome.Publish || outcome instanceof RouteOutcome.Follow) {
      return 6;
    }
    return outcome instanceof RouteOutcome.Retry ? 4 : 3;
  }

  private static List<String> sharedFields(List<RouteOutcome> outcomes) {
    for (RouteOutcome outcome : outcomes) {
      GatewayEvent event = eventOf(outcome);
      if (event != null) {
        return event.shared().fields();
      }
    }
    return List.of();
  }

  /** The event an outcome may append, or null. */
  private static GatewayEvent eventOf(RouteOutcome outcome) {
    if (outcome instanceof RouteOutcome.Publish p) {
      return p.event();
    }
    if (outcome instanceof RouteOutcome.Follow f) {
      return f.event();
    }
    return null;
  }

  CompletionReport parse(Object reply, Instant now) {
    List<?> values = Replies.list(reply, "complete");
    if (values.size() != ordered.size()) {
      throw new StoreException(
          "complete replied with " + values.size() + " values for " + ordered.size() + " routes");
    }
    List<RouteResult> results = new ArrayList<>(ordered.size());
    String sinkError = null;
    for (int i = 0; i < ordered.size(); i++) {
      ClaimedRoute route = ordered.get(i).route();
      String value = Replies.bytesAsText(values.get(i), "complete result");
      int tab = value.indexOf('\t');
      String status = tab < 0 ? value : value.substring(0, tab);
      String detail = tab < 0 ? "" : value.substring(tab + 1);
      switch (status) {
        case "retry" ->
            results.add(
                new RouteResult(route, Status.RETRY_SCHEDULED, null, failures.decode(detail, now)));
        case "dead" ->
            results.add(
                new RouteResult(route, Status.DEAD_LETTERED, null, failures.decode(detail, now)));
        case "stale" -> results.add(new RouteResult(route, Status.LEASE_LOST, null, null));
        case "expired" -> results.add(new RouteResult(route, Status.EXPIRED, null, null));
        case "deferred" -> results.add(new RouteResult(route, Status.DEFERRED, null, null));
        case "refused" ->
            results.add(
                new RouteResult(
                    route,
                    Status.REFUSED,
                    null,
                    new Failure(
                        FailureKind.GATEWAY_STREAM_PUBLISH_FAILED, detail, now, route.attempt())));
        case "unavailable" -> {
          results.add(
              new RouteResult(
                  route,
                  Status.SINK_UNAVAILABLE,
                  null,
                  new Failure(
                      FailureKind.GATEWAY_STREAM_PUBLISH_FAILED, detail, now, route.attempt())));
          if (sinkError == null) {
            sinkError = detail;
          }
        }
        default -> {
          if (!isEntryId(value)) {
            throw new StoreException("complete replied with unknown result " + value);
          }
          results.add(new RouteResult(route, Status.PUBLISHED, value, null));
        }
      }
    }
    return new CompletionReport(results, sinkError);
  }

  /** A stream entry id: {@code <ms>-<seq>}. */
  private static boolean isEntryId(String value) {
    int dash = value.indexOf('-');
    if (dash <= 0 || dash == value.length() - 1) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (i != dash && (c < '0' || c > '9')) {
        return false;
      }
    }
    return true;
  }
}
