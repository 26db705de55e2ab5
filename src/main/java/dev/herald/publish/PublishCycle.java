package dev.herald.publish;

import dev.herald.backoff.RetryPlanner.RetryPlan;
import dev.herald.domain.Failure;
import dev.herald.domain.FailureKind;
import dev.herald.domain.GatewayEvent.EventTemplate;
import dev.herald.domain.Notification;
import dev.herald.store.ClaimedBatch;
import dev.herald.store.ClaimedNotification;
import dev.herald.store.ClaimedRoute;
import dev.herald.store.CompletionReport;
import dev.herald.store.CompletionReport.RouteResult;
import dev.herald.store.RouteOutcome;
import dev.herald.store.RouteStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One batch of publishing, start to end: claim due routes, encode each, record every outcome in one
 * atomic step. The loop around it ({@link PublisherLoop}) decides when to run it; tests call {@link
 * #runOnce()} directly with a controlled clock.
 */
public final class PublishCycle {

  private static final Logger LOG = LoggerFactory.getLogger(PublishCycle.class);

  private final RouteStore store;
  private final EventEncoder encoder;
  private final Supplier<PublishSettings> settings;
  private final Clock clock;
  private final PublisherListener listener;
  private final String workerId;
  private final RateLimitedLog retryLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  private long claims;

  /**
   * @param workerId names this worker in lease tokens (no {@code |}); unique among all workers of
   *     all processes
   */
  public PublishCycle(
      RouteStore store,
      EventEncoder encoder,
      Supplier<PublishSettings> settings,
      Clock clock,
      PublisherListener listener,
      String workerId) {
    this.store = store;
    this.encoder = encoder;
    this.settings = settings;
    this.clock = clock;
    this.listener = listener;
    this.workerId = workerId;
  }

  /**
   * What one cycle did.
   *
   * @param claimed routes claimed (and completed, one way or another)
   * @param limit the most this cycle could claim: a full cycle means more may be due
   * @param nextDueAt the earliest due time left, if any
   * @param sinkUnavailable the stream refused appends for a reason of the server's
   */
  public record Result(
      int claimed, int limit, Optional<Instant> nextDueAt, boolean sinkUnavailable) {
    public boolean wasFull() {
      return claimed >= limit;
    }
  }

  /** One cycle of at most {@code publisher.batch-size} routes. */
  public Result runOnce() {
    return runOnce(Integer.MAX_VALUE);
  }

  /** One cycle of at most {@code limit} routes (and at most the configured batch size). */
  public Result runOnce(int limit) {
    PublishSettings s = settings.get();
    int batchSize = Math.min(limit, s.batchSize());
    Instant start = clock.instant();
    String token = workerId + "." + Long.toString(++claims, 36);
    ClaimedBatch batch = store.claimDue(start, s.lease(), token, batchSize);
    listener.onClaimed(batch.routeCount(), Duration.between(start, clock.instant()));
    for (String entry : batch.quarantined()) {
      LOG.error("schedule entry set aside as unreadable (kept in the quarantine hash): {}", entry);
      listener.onCorruptRecord("schedule entry " + entry);
    }
    if (batch.routeCount() == 0) {
      return new Result(0, batchSize, batch.nextDueAt(), false);
    }
    List<RouteOutcome> outcomes = decide(batch, s);
    Instant completedAt = clock.instant();
    CompletionReport report = store.complete(token, completedAt, outcomes);
    Map<String, Notification> byId = new HashMap<>();
    batch.notifications().forEach(n -> byId.put(n.notificationId(), n.notification()));
    for (RouteResult result : report.results()) {
      report(result, byId.get(result.route().notificationId()), completedAt, s);
    }
    if (report.sinkError() != null) {
      listener.onSinkUnavailable(report.sinkError());
    }
    listener.onBatchCompleted(batch.routeCount(), Duration.between(start, clock.instant()));
    return new Result(batch.routeCount(), batchSize, batch.nextDueAt(), report.sinkError() != null);
  }

  private List<RouteOutcome> decide(ClaimedBatch batch, PublishSettings s) {
    Instant now = clock.instant();
    List<RouteOutcome> outcomes = new ArrayList<>(batch.routeCount());
    for (ClaimedNotification claimed : batch.notifications()) {
      Notification n = claimed.notification();
      EventTemplate template = null;
      String templateError = null;
      if (n != null) {
        try {
          template = encoder.template(n);
        } catch (EventEncodingException e) {
          templateError = e.getMessage();
        }
      }
      for (ClaimedRoute route : claimed.routes()) {
        outcomes.add(decide(claimed, route, template, templateError, now, s));
      }
    }
    return outcomes;
  }

  private RouteOutcome decide(
      ClaimedNotification claimed,
      ClaimedRoute route,
      EventTemplate template,
      String templateError,
      Instant now,
      PublishSettings s) {
    if (claimed.isCorrupt() || route.isCorrupt()) {
      String why = claimed.isCorrupt() ? claimed.corruption() : route.corruption();
      return new RouteOutcome.DeadLetter(
          route, new Failure(FailureKind.CORRUPT_RECORD, why, now, route.attempt()));
    }
    Notification n = claimed.notification();
    int maxAttempts = n.maxAttemptsOr(s.maxAttempts());
    RetryPlan plan = s.retries().afterFailure(route.attempt(), maxAttempts, now);
    String encodingError = templateError;
    if (encodingError == null) {
      try {
        return new RouteOutcome.Publish(
            route, encoder.event(template, n, route.index()), plan.retryAt());
      } catch (EventEncodingException e) {
        encodingError = e.getMessage();
      }
    }
    Failure failure =
        new Failure(FailureKind.PAYLOAD_ENCODING_FAILED, encodingError, now, route.attempt());
    return plan.isDeadLetter()
        ? new RouteOutcome.DeadLetter(route, failure)
        : new RouteOutcome.Retry(route, plan.retryAt(), failure);
  }

  private void report(RouteResult result, Notification n, Instant completedAt, PublishSettings s) {
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
          listener.onPublished(info, Duration.between(route.dueAt(), completedAt));
        }
        case RETRY_SCHEDULED -> {
          retryLog.warn(
              "retry",
              "route {} attempt {} failed ({}: {}); retrying with backoff",
              info.ref(),
              route.attempt(),
              result.failure().kind().wireName(),
              result.failure().message());
          listener.onRetryScheduled(info, result.failure());
        }
        case DEAD_LETTERED -> {
          LOG.error(
              "route {} is a dead letter after attempt {} ({}: {}); inspect with `herald routes show {}`",
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
        case LEASE_LOST -> {
          LOG.debug(
              "route {}: lease lost before completion (lease {}); another worker has it",
              info.ref(),
              s.lease());
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
}
