package dev.herald.publish;

import dev.herald.domain.FailureKind;
import dev.herald.domain.Notification;
import dev.herald.store.ClaimedRoute;
import dev.herald.store.CompletionReport.RouteResult;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Tells the logs, the listener and the breaker what became of each route of a batch. The one place
 * a route's outcome is logged: with the notification, route and attempt in the MDC.
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

  /**
   * @param stream where the route was to be appended, or null when it was not to be
   */
  void report(
      RouteResult result, Notification n, String stream, Instant completedAt, Duration lease) {
    ClaimedRoute route = result.route();
    RouteInfo info =
        new RouteInfo(
            route.notificationId(),
            route.index(),
            n == null || route.index() >= n.routeCount() ? null : n.route(route.index()),
            n == null ? null : n.type(),
            route.attempt());
    MDC.put("notification", route.notificationId());
    MDC.put("route", info.routeId() == null ? "#" + route.index() : info.routeId().toString());
    MDC.put("attempt", Integer.toString(route.attempt()));
    try {
      switch (result.status()) {
        case PUBLISHED -> {
          LOG.debug("published {} as entry {}", info.ref(), result.entryId());
          breaker.onPublished(stream);
          listener.onPublished(info, Duration.between(route.dueAt(), completedAt));
        }
        case RETRY_SCHEDULED -> {
          appendFailed(result, stream);
          rateLimited.warn(
              "retry",
              "route {} attempt {} failed ({}: {}); retrying with backoff",
              info.ref(),
              route.attempt(),
              result.failure().kind().wireName(),
              result.failure().message());
          listener.onRetryScheduled(info, result.failure());
        }
        case DEAD_LETTERED -> {
          appendFailed(result, stream);
          LOG.error(
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
        case DEFERRED -> {
          rateLimited.warn(
              "breaker " + stream,
              "appends to stream {} keep failing: its routes wait, uncharged, until {} when one"
                  + " probe is tried",
              stream,
              breaker.reopensAt(stream));
          listener.onDeferred(info);
        }
        case REFUSED -> {
          breaker.onAppendFailed(stream);
          LOG.debug("route {} not appended, uncharged: {}", info.ref(), result.failure().message());
          listener.onDeferred(info);
        }
        case LEASE_LOST -> {
          LOG.debug(
              "route {}: lease lost before completion (lease {}); another worker has it",
              info.ref(),
              lease);
          listener.onLeaseLost(info);
        }
        case EXPIRED -> {
          LOG.debug("route {} expired before it was published", info.ref());
          listener.onExpired(info);
        }
        case SINK_UNAVAILABLE ->
            LOG.debug(
                "route {} left leased: stream unavailable ({})",
                info.ref(),
                result.failure().message());
      }
    } finally {
      MDC.remove("notification");
      MDC.remove("route");
      MDC.remove("attempt");
    }
  }

  /** An append the stream refused counts against its breaker; a payload's fault does not. */
  private void appendFailed(RouteResult result, String stream) {
    if (stream != null && result.failure().kind() == FailureKind.GATEWAY_STREAM_PUBLISH_FAILED) {
      breaker.onAppendFailed(stream);
    }
  }
}
