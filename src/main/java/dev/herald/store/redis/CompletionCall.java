package dev.herald.store.redis;

import dev.herald.domain.Channel;
import dev.herald.domain.Failure;
import dev.herald.domain.FailureKind;
import dev.herald.domain.GatewayEvent;
import dev.herald.domain.RouteState;
import dev.herald.domain.RouteTransitions;
import dev.herald.domain.RouteTransitions.IllegalTransitionException;
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
 * (above all the payload) once per notification. Each move the script reports is checked against
 * {@link RouteTransitions}: a route it completed was leased.
 */
final class CompletionCall {

  private static final byte[] PUBLISH = ScriptArgs.utf8("publish");
  private static final byte[] PROBE = ScriptArgs.utf8("probe");
  private static final byte[] FOLLOW = ScriptArgs.utf8("follow");
  private static final byte[] RETRY = ScriptArgs.utf8("retry");
  private static final byte[] DEAD = ScriptArgs.utf8("dead");
  private static final byte[] DEFER = ScriptArgs.utf8("defer");
  private static final byte[] RUN = ScriptArgs.utf8("run");
  private static final byte[] NEVER = ScriptArgs.number(-1);
  // A run's values: first index, attempts, 'run', count, stream number; then per route four.
  private static final int RUN_HEAD = 5;
  private static final int RUN_ROUTE = 4;

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
    ScriptArgs list = new ScriptArgs(5 + streams.size());
    list.add(keys.schedule()).add(keys.deadLetters()).add(keys.stats()).add(keys.retention());
    list.add(keys.typeFigures());
    streams.forEach(c -> list.add(keys.stream(c.stream())));
    return list.list();
  }

  /**
   * @param clockOffsetMillis the caller's clock minus Redis's, for the expiry check
   * @param refusedRetryAt when a route whose stream refused its append is due again
   */
  List<byte[]> args(
      String leaseToken, Instant now, long clockOffsetMillis, Instant refusedRetryAt) {
    ScriptArgs args = new ScriptArgs(16 + byNotification.size() * 12 + ordered.size() * 9);
    args.add(now.toEpochMilli()).add(leaseToken);
    args.add(retention.failureHistory()).add(retention.published().toMillis());
    args.add(clockOffsetMillis).add(refusedRetryAt.toEpochMilli());
    args.add(streams.size());
    streams.forEach(c -> args.add(c.maxLength()));
    // Most routes of a batch share a retry time (the same attempt failed at the same instant).
    Map<Instant, byte[]> retryTimes = new IdentityHashMap<>();
    for (Map.Entry<String, List<RouteOutcome>> entry : byNotification.entrySet()) {
      args.add(entry.getKey());
      List<String> shared = sharedFields(entry.getValue());
      args.add(shared.size());
      shared.forEach(args::add);
      // The groups first, and the size of the route block, so that the script reads every lease
      // before its first write without walking the routes twice.
      Set<Integer> groups = new LinkedHashSet<>();
      for (RouteOutcome outcome : entry.getValue()) {
        groups.add(outcome.route().index() - outcome.route().index() % RouteGroups.SIZE);
      }
      List<List<RouteOutcome>> items = items(entry.getValue());
      int values = 0;
      for (List<RouteOutcome> item : items) {
        values += item.size() > 1 ? RUN_HEAD + RUN_ROUTE * item.size() : argCount(item.get(0));
      }
      args.add(groups.size());
      groups.forEach(args::add);
      args.add(entry.getValue().size()).add(values);
      for (List<RouteOutcome> item : items) {
        RouteOutcome outcome = item.get(0);
        ClaimedRoute route = outcome.route();
        args.add(route.index()).add(route.attempts());
        if (item.size() > 1) {
          RouteOutcome.Publish p = (RouteOutcome.Publish) outcome;
          args.add(RUN).add(item.size()).add(streamNumbers.get(p.event().channel().stream()));
          for (RouteOutcome member : item) {
            RouteOutcome.Publish publish = (RouteOutcome.Publish) member;
            GatewayEvent event = publish.event();
            args.add(event.eventId()).add(event.userId()).add(event.routeId());
            args.add(retryTimeArg(publish, retryTimes));
          }
        } else if (outcome instanceof RouteOutcome.Publish p) {
          args.add(p.probe() ? PROBE : PUBLISH);
          addEvent(args, p.event());
          args.add(retryTimeArg(p, retryTimes));
        } else if (outcome instanceof RouteOutcome.Follow f) {
          args.add(FOLLOW);
          addEvent(args, f.event());
          args.add(f.until().toEpochMilli());
        } else if (outcome instanceof RouteOutcome.Retry r) {
          args.add(RETRY).add(r.retryAt().toEpochMilli()).add(failures.encode(r.failure()));
        } else if (outcome instanceof RouteOutcome.DeadLetter d) {
          args.add(DEAD).add(failures.encode(d.failure()));
        } else if (outcome instanceof RouteOutcome.Defer d) {
          args.add(DEFER).add(d.until().toEpochMilli());
        }
      }
    }
    return args.list();
  }

  private static byte[] retryTimeArg(RouteOutcome.Publish p, Map<Instant, byte[]> retryTimes) {
    Instant retryAt = p.retryAtIfAppendFails();
    return retryAt == null
        ? NEVER
        : retryTimes.computeIfAbsent(retryAt, t -> ScriptArgs.number(t.toEpochMilli()));
  }

  /**
   * A notification's outcomes as the script's items: runs of two or more publishes (not probes) of
   * consecutive routes with the same attempts and stream, which the script takes the short way;
   * every other outcome alone.
   */
  private static List<List<RouteOutcome>> items(List<RouteOutcome> outcomes) {
    List<List<RouteOutcome>> items = new ArrayList<>();
    List<RouteOutcome> run = null;
    for (RouteOutcome outcome : outcomes) {
      if (run != null && continuesRun(run.get(run.size() - 1), outcome)) {
        run.add(outcome);
      } else {
        run = new ArrayList<>();
        run.add(outcome);
        items.add(run);
      }
    }
    return items;
  }

  private static boolean continuesRun(RouteOutcome last, RouteOutcome next) {
    return last instanceof RouteOutcome.Publish a
        && next instanceof RouteOutcome.Publish b
        && !a.probe()
        && !b.probe()
        && b.route().index() == a.route().index() + 1
        && b.route().attempts() == a.route().attempts()
        && b.event().channel().stream().equals(a.event().channel().stream());
  }

  private void addEvent(ScriptArgs args, GatewayEvent event) {
    args.add(streamNumbers.get(event.channel().stream()));
    args.add(event.eventId()).add(event.userId()).add(event.routeId());
  }

  /** The values one route takes in the arguments (complete.lua's ROUTE_ARGS). */
  private static int argCount(RouteOutcome outcome) {
    if (outcome.appends()) {
      return 8;
    }
    return outcome instanceof RouteOutcome.Retry ? 5 : 4;
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
    if (values.size() != 2 * ordered.size()) {
      throw new StoreException(
          "complete replied with " + values.size() + " values for " + ordered.size() + " routes");
    }
    List<RouteResult> results = new ArrayList<>(ordered.size());
    String sinkError = null;
    for (int i = 0; i < ordered.size(); i++) {
      RouteOutcome outcome = ordered.get(i);
      ClaimedRoute route = outcome.route();
      String status = Replies.bytesAsText(values.get(2 * i), "complete status");
      String detail = Replies.bytesAsText(values.get(2 * i + 1), "complete detail");
      RouteResult result =
          switch (status) {
            case "published" -> new RouteResult(outcome, Status.PUBLISHED, detail, null);
            case "retry" ->
                new RouteResult(
                    outcome, Status.RETRY_SCHEDULED, null, failures.decode(detail, now));
            case "dead" ->
                new RouteResult(outcome, Status.DEAD_LETTERED, null, failures.decode(detail, now));
            case "stale" -> new RouteResult(outcome, Status.LEASE_LOST, null, null);
            case "expired" -> new RouteResult(outcome, Status.EXPIRED, null, null);
            case "deferred" -> new RouteResult(outcome, Status.DEFERRED, null, null);
            case "refused" ->
                new RouteResult(outcome, Status.REFUSED, null, streamFailure(detail, now, route));
            case "unavailable" -> {
              if (sinkError == null) {
                sinkError = detail;
              }
              yield new RouteResult(
                  outcome, Status.SINK_UNAVAILABLE, null, streamFailure(detail, now, route));
            }
            default -> throw new StoreException("complete replied with unknown status " + status);
          };
      checkMove(result);
      results.add(result);
    }
    return new CompletionReport(results, sinkError);
  }

  private static Failure streamFailure(String error, Instant now, ClaimedRoute route) {
    return new Failure(FailureKind.GATEWAY_STREAM_PUBLISH_FAILED, error, now, route.attempt());
  }

  /** Refuses a reply that reports a move of a leased route the table does not allow. */
  private static void checkMove(RouteResult result) {
    RouteState to =
        switch (result.status()) {
          case PUBLISHED -> RouteState.PUBLISHED;
          case RETRY_SCHEDULED -> RouteState.FAILED;
          case DEAD_LETTERED -> RouteState.DEAD_LETTER;
          case EXPIRED -> RouteState.EXPIRED;
          case DEFERRED, REFUSED -> RouteStateCodec.waiting(result.route().attempts());
          case LEASE_LOST, SINK_UNAVAILABLE -> null; // not moved by this call
        };
    if (to != null) {
      try {
        RouteTransitions.check(RouteState.LEASED, to);
      } catch (IllegalTransitionException e) {
        throw new StoreException(
            "complete reported a move of route "
                + result.route().notificationId()
                + "#"
                + result.route().index()
                + " that cannot be: "
                + e.getMessage(),
            e);
      }
    }
  }
}
