package dev.herald.publish;

import dev.herald.backoff.RetryPlanner.RetryPlan;
import dev.herald.domain.Failure;
import dev.herald.domain.FailureKind;
import dev.herald.domain.GatewayEvent;
import dev.herald.domain.GatewayEvent.EventTemplate;
import dev.herald.domain.Notification;
import dev.herald.store.ClaimedBatch;
import dev.herald.store.ClaimedNotification;
import dev.herald.store.ClaimedRoute;
import dev.herald.store.RouteOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides what to do with each claimed route: publish its event; retry or dead-letter it when the
 * event cannot be built; dead-letter a broken record; defer it, uncharged, while its stream's
 * breaker is open, or, when this batch carries the breaker's probe, let it follow the probe.
 */
final class OutcomePlanner {

  private final EventEncoder encoder;
  private final SinkBreaker breaker;

  OutcomePlanner(EventEncoder encoder, SinkBreaker breaker) {
    this.encoder = encoder;
    this.breaker = breaker;
  }

  List<RouteOutcome> plan(ClaimedBatch batch, PublishSettings s, Instant now) {
    List<RouteOutcome> outcomes = new ArrayList<>(batch.routeCount());
    Set<String> probing = new HashSet<>(); // streams whose probe this batch carries
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
        outcomes.add(plan(claimed, route, template, templateError, now, s, probing));
      }
    }
    return outcomes;
  }

  private RouteOutcome plan(
      ClaimedNotification claimed,
      ClaimedRoute route,
      EventTemplate template,
      String templateError,
      Instant now,
      PublishSettings s,
      Set<String> probing) {
    if (claimed.isCorrupt() || route.isCorrupt()) {
      String why = claimed.isCorrupt() ? claimed.corruption() : route.corruption();
      return new RouteOutcome.DeadLetter(
          route, new Failure(FailureKind.CORRUPT_RECORD, why, now, route.attempt()));
    }
    Notification n = claimed.notification();
    RetryPlan plan =
        s.retries().afterFailure(route.attempt(), n.maxAttemptsOr(s.maxAttempts()), now);
    String encodingError = templateError;
    if (encodingError == null) {
      try {
        GatewayEvent event = encoder.event(template, n, route.index());
        String stream = event.channel().stream();
        switch (breaker.decide(stream)) {
          case DEFER:
            return probing.contains(stream)
                ? new RouteOutcome.Follow(route, event, breaker.reopensAt(stream))
                : new RouteOutcome.Defer(route, stream, breaker.reopensAt(stream));
          case PROBE:
            probing.add(stream);
            return new RouteOutcome.Publish(route, event, breaker.reopensAt(stream), true);
          default:
            return new RouteOutcome.Publish(route, event, plan.retryAt());
        }
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
}
