package dev.herald.model;

import dev.herald.domain.Failure;
import dev.herald.domain.FailureKind;
import dev.herald.domain.GatewayEvent;
import dev.herald.domain.GatewayEvent.EventTemplate;
import dev.herald.domain.Notification;
import dev.herald.publish.EventEncoder;
import dev.herald.publish.EventEncodingException;
import dev.herald.store.ClaimedBatch;
import dev.herald.store.ClaimedNotification;
import dev.herald.store.ClaimedRoute;
import dev.herald.store.RouteOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A worker whose claim and completion are separate steps, so that other steps (another worker's
 * claim, a cancel, a clock jump past the lease) can fall between them. It decides each route's
 * outcome as the step says, as a publisher would: a failure with no attempts left is a dead letter.
 */
final class ScriptedWorker {

  /** What a completion step does with the routes held. */
  enum Mix {
    PUBLISH,
    RETRY,
    DEAD,
    /** Deferred, uncharged, as while a stream's breaker is open. */
    DEFER,
    /** Published as the probe of an open breaker: a refused append is not charged. */
    PROBE,
    /** Published only behind an append to its stream earlier in the call, else deferred. */
    FOLLOW,
    /** Each route one of the above, by its index and the step's seed. */
    MIXED
  }

  final String name;
  private int claims;
  String token;
  ClaimedBatch batch;

  /**
   * The outcomes of the batch that the store did not record (the server refused them, or the call
   * failed or lost its reply): the next completion sends them again, under the same lease.
   */
  List<RouteOutcome> unsent;

  ScriptedWorker(String name) {
    this.name = name;
  }

  String nextToken() {
    return name + "." + (++claims);
  }

  void hold(String token, ClaimedBatch batch) {
    this.token = token;
    this.batch = batch;
    this.unsent = null;
  }

  /** Holds a claim or outcomes to send again. */
  boolean holding() {
    return batch != null || unsent != null;
  }

  /** Keeps outcomes the store did not record, to send them again; none: done with the batch. */
  void keepUnsent(List<RouteOutcome> outcomes) {
    batch = null;
    unsent = outcomes.isEmpty() ? null : List.copyOf(outcomes);
    if (unsent == null) {
      token = null;
    }
  }

  void release() {
    token = null;
    batch = null;
    unsent = null;
  }

  /**
   * The outcome of each route held.
   *
   * @param mixed what {@link Mix#MIXED} picks from
   */
  List<RouteOutcome> outcomes(
      Mix mix, List<Mix> mixed, int seed, Instant now, EventEncoder encoder, int maxDefault) {
    List<RouteOutcome> out = new ArrayList<>(batch.routeCount());
    for (ClaimedNotification claimed : batch.notifications()) {
      Notification n = claimed.notification();
      Mismatch.check(
          n != null,
          "claim handed out %s unreadable: %s",
          claimed.notificationId(),
          claimed.corruption());
      EventTemplate template = template(encoder, n);
      for (ClaimedRoute route : claimed.routes()) {
        Mix m =
            mix == Mix.MIXED
                ? mixed.get(Math.floorMod(route.index() * 31 + seed, mixed.size()))
                : mix;
        boolean last = route.attempt() >= n.maxAttemptsOr(maxDefault);
        GatewayEvent event = event(encoder, template, n, route.index());
        Failure failure =
            new Failure(FailureKind.PAYLOAD_ENCODING_FAILED, "scripted", now, route.attempt());
        Instant soon = now.plus(Duration.ofSeconds(1));
        out.add(
            switch (m) {
              case PUBLISH -> new RouteOutcome.Publish(route, event, last ? null : soon);
              case PROBE -> new RouteOutcome.Publish(route, event, soon, true);
              case RETRY ->
                  last
                      ? new RouteOutcome.DeadLetter(route, failure)
                      : new RouteOutcome.Retry(route, now.plus(Duration.ofSeconds(2)), failure);
              case DEAD -> new RouteOutcome.DeadLetter(route, failure);
              case DEFER -> new RouteOutcome.Defer(route, event.channel().stream(), soon);
              case FOLLOW -> new RouteOutcome.Follow(route, event, soon);
              case MIXED -> throw new IllegalStateException("picked above");
            });
      }
    }
    return out;
  }

  private static EventTemplate template(EventEncoder encoder, Notification n) {
    try {
      return encoder.template(n);
    } catch (EventEncodingException e) {
      throw new IllegalStateException("test notifications always encode", e);
    }
  }

  private static GatewayEvent event(EventEncoder encoder, EventTemplate t, Notification n, int i) {
    try {
      return encoder.event(t, n, i);
    } catch (EventEncodingException e) {
      throw new IllegalStateException("test notifications always encode", e);
    }
  }
}
