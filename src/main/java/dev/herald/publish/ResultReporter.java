package dev.herald.publish;

import dev.herald.domain.FailureKind;
import dev.herald.domain.Notification;
import dev.herald.logging.RateLimitedLog;
import dev.herald.publish.SinkBreaker.Transition;
import dev.herald.store.ClaimedRoute;
import dev.herald.store.CompletionReport.RouteResult;
import dev.herald.store.PublishedRoute;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Tells the logs, the listener and the breaker what became of each route of a batch. The one place
 * a route's outcome is logged: with the notification, route and attempt in the MDC, and the
 * failure's classification and the route's stream where there are those (JSON logs carry them as
 * fields of their own). Retries and dead letters are logged rate-limited, per classification: a
 * burst of a thousand dead letters is one line, and the next says how many were left out (every one
 * is in `herald dead-letters list` and the metrics). The one place a breaker's opening and closing
 * are logged, once each.
 */
final class ResultReporter {

  private static final Logger LOG = LoggerFactory.getLogger(PublishCycle.class);

  private final PublisherListener listener;
  private final SinkBreaker breaker;
  private final RateLimitedLog rateLimited = new RateLimitedLog(LOG, Duration.ofSeconds(10));

  ResultReporter(PublisherListener listener, SinkBreaker breaker) {
    this.listener = listener;
    this.breaker = breaker;
  }

  void report(RouteResult result, Instant completedAt, Duration lease) {
    ClaimedRoute route = result.route();
    Notification n = route.notification();
    String stream = result.outcome().stream(); // null when the route was not for a stream
    boolean probe = result.outcome().probes();
    RouteInfo info = info(route);
    MDC.put("notification", route.notificationId());
    MDC.put("route", info.routeId() == null ? "#" + route.index() : info.routeId().toString());
    MDC.put("attempt", Integer.toString(route.attempt()));
    if (stream != null) {
      MDC.put("stream", stream);
    }
    if (result.failure() != null) {
      MDC.put("classification", result.failure().kind().wireName());
    }
    Transition transition = Transition.NONE; // logged after the route's MDC: it is the stream's
    try {
      switch (result.status()) {
        case PUBLISHED -> {
          LOG.debug("published {} as entry {}", info.ref(), result.entryId());
          if (stream != null) {
            transition = breaker.onPublished(stream);
          }
          listener.onPublished(info, Duration.between(route.dueAt(), completedAt));
        }
        case RETRY_SCHEDULED -> {
          transition = appendFailed(result, stream);
          rateLimited.warn(
              "retry:" + result.failure().kind().wireName(),
              "route {} attempt {} failed ({}: {}); retrying with backoff",
              info.ref(),
              route.attempt(),
              result.failure().kind().wireName(),
              result.failure().message());
          listener.onRetryScheduled(info, result.failure());
        }
        case DEAD_LETTERED -> {
          transition = appendFailed(result, stream);
          rateLimited.error(
              "dead:" + result.failure().kind().wireName(),
              "route {} is a dead letter after attempt {} ({}: {}); inspect with `herald routes"
                  + " show {}`",
              info.ref(),
              route.attempt(),
              result.failure().kind().wireName(),
              result.failure().message(),
              route.notificationId());
          if (result.failure().kind() == FailureKind.CORRUPT_RECORD) {
            listener.onCorruptRecord("route " + info.ref() + ": " + result.failure().message());
          }
          listener.onDeadLettered(info, result.failure());
        }
        case REFUSED -> {
          transition = refused(stream, result.failure().message());
          LOG.debug("route {} not appended, uncharged: {}", info.ref(), result.failure().message());
          listener.onDeferred(info);
        }
        case DEFERRED -> {
          LOG.debug(
              "route {} deferred, uncharged, until {}: the breaker of stream {} is open",
              info.ref(),
              breaker.reopensAt(stream),
              stream);
          listener.onDeferred(info);
        }
        case LEASE_LOST -> {
          probeLost(stream, probe);
          LOG.debug(
              "route {}: lease lost before completion (lease {}); another worker has it",
              info.ref(),
              lease);
          listener.onLeaseLost(info);
        }
        case EXPIRED -> {
          probeLost(stream, probe);
          LOG.debug("route {} expired before it was published", info.ref());
          listener.onExpired(info);
        }
        case SINK_UNAVAILABLE -> {
          transition = refused(stream, result.failure().message());
          LOG.debug(
              "route {} left leased, to be sent again: stream unavailable ({})",
              info.ref(),
              result.failure().message());
        }
      }
    } finally {
      MDC.remove("notification");
      MDC.remove("route");
      MDC.remove("attempt");
      MDC.remove("stream");
      MDC.remove("classification");
    }
    if (transition == Transition.OPENED) {
      opened(stream, breaker.reason(stream));
    } else if (transition == Transition.CLOSED) {
      closed(stream);
    }
  }

  /**
   * A route the claim published inline ({@link PublishedRoute}): told as a {@code PUBLISHED}
   * completion is, {@code publishedAt} ending its due-to-stream lag.
   */
  void reportPublished(PublishedRoute published, Instant publishedAt) {
    ClaimedRoute route = published.route();
    RouteInfo info = info(route);
    String stream = published.stream();
    Transition transition;
    MDC.put("notification", route.notificationId());
    MDC.put("route", info.routeId() == null ? "#" + route.index() : info.routeId().toString());
    MDC.put("attempt", Integer.toString(route.attempt()));
    MDC.put("stream", stream);
    try {
      LOG.debug(
          "published {} inline to {} (its entry id is in its route state)",
          info.ref(),
          published.stream());
      transition = breaker.onPublished(stream);
      listener.onPublished(info, Duration.between(route.dueAt(), publishedAt));
    } finally {
      MDC.remove("notification");
      MDC.remove("route");
      MDC.remove("attempt");
      MDC.remove("stream");
    }
    if (transition == Transition.CLOSED) {
      closed(stream);
    }
  }

  private static RouteInfo info(ClaimedRoute route) {
    Notification n = route.notification();
    return new RouteInfo(
        route.notificationId(),
        route.index(),
        n == null || route.index() >= n.routeCount() ? null : n.route(route.index()),
        n == null ? null : n.type(),
        route.attempt());
  }

  /** A stream the ACL does not let Herald write: as if it had refused an append. */
  void denied(String stream, String error) {
    if (refused(stream, error) == Transition.OPENED) {
      opened(stream, error);
    }
  }

  /**
   * An append the stream refused for a reason Herald cannot tell from the route's counts against
   * its breaker; a payload's fault does not.
   */
  private Transition appendFailed(RouteResult result, String stream) {
    if (stream != null && result.failure().kind() == FailureKind.GATEWAY_STREAM_PUBLISH_FAILED) {
      return breaker.onAppendFailed(stream, result.failure().message());
    }
    return Transition.NONE;
  }

  private Transition refused(String stream, String error) {
    return stream == null ? Transition.NONE : breaker.onRefused(stream, error);
  }

  private void probeLost(String stream, boolean probe) {
    if (probe && stream != null) {
      breaker.onProbeLost(stream);
    }
  }

  private void opened(String stream, String error) {
    MDC.put("stream", stream);
    try {
      LOG.warn(
          "stream {} refuses appends ({}): its breaker opened; its routes wait and are charged no"
              + " attempt, while one of them probes the stream every second",
          stream,
          error);
    } finally {
      MDC.remove("stream");
    }
    listener.onBreakerOpened(stream, error);
  }

  private void closed(String stream) {
    Duration openFor = breaker.lastOpenFor(stream);
    MDC.put("stream", stream);
    try {
      LOG.info(
          "stream {} takes appends again: its breaker closed after {} open; its waiting routes go"
              + " out now",
          stream,
          seconds(openFor));
    } finally {
      MDC.remove("stream");
    }
    listener.onBreakerClosed(stream, openFor);
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
  }
}
