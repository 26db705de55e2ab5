package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.domain.Channel;
import dev.herald.domain.Channels;
import dev.herald.domain.Failure;
import dev.herald.domain.FailureKind;
import dev.herald.domain.NotificationRequest;
import dev.herald.publish.EventEncoder;
import dev.herald.publish.PublishCycle;
import dev.herald.publish.PublisherListener;
import dev.herald.store.ClaimedBatch;
import dev.herald.store.ClaimedNotification;
import dev.herald.store.ClaimedRoute;
import dev.herald.store.RouteOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Makes dead letters through the real accept, claim and complete scripts: notifications with one
 * attempt each, whose attempt failed.
 */
public final class DeadLetterPlanting {

  private final Harness h;

  public DeadLetterPlanting(Harness h) {
    this.h = h;
  }

  /**
   * Submits the notifications with {@code max_attempts} 1, and records each route's attempt as an
   * append the stream refused with {@code WRONGTYPE}: each becomes a dead letter classified {@code
   * gateway_stream_publish_failed}, dead since the harness clock's now. (Earlier Herald versions
   * charged such refusals, so stores hold these; Herald now defers them uncharged, and charges only
   * append failures it cannot explain.)
   */
  public List<String> streamDown(NotificationRequest.Builder... requests) {
    List<NotificationRequest> built = maxOneAttempt(requests);
    long deadBefore = h.raw.zcard(h.keys.deadLetters());
    List<String> ids = h.submit(built.toArray(NotificationRequest[]::new));
    for (int claim = 1; ; claim++) {
      String token = "planter." + claim;
      ClaimedBatch batch =
          h.backend.routes().claimDue(h.clock.instant(), Duration.ofSeconds(30), token, 500);
      if (batch.routeCount() == 0) {
        break;
      }
      List<RouteOutcome> outcomes = new ArrayList<>();
      for (ClaimedNotification n : batch.notifications()) {
        for (ClaimedRoute r : n.routes()) {
          outcomes.add(
              new RouteOutcome.DeadLetter(
                  r,
                  new Failure(
                      FailureKind.GATEWAY_STREAM_PUBLISH_FAILED,
                      "WRONGTYPE Operation against a key holding the wrong kind of value",
                      h.clock.instant(),
                      r.attempt())));
        }
      }
      h.backend.routes().complete(token, h.clock.instant(), outcomes);
    }
    assertPlanted(deadBefore, built);
    return ids;
  }

  /** As {@link #streamDown}, classified {@code payload_encoding_failed}: push is not configured. */
  public List<String> unencodable(NotificationRequest.Builder... requests) {
    return submitAndDrain(
        () ->
            new PublishCycle(
                h.backend.routes(),
                new EventEncoder(new Channels(List.of(new Channel("email", "mail", 10)))),
                () -> Harness.settings(500, 1),
                h.time,
                PublisherListener.NONE,
                "planter"),
        requests);
  }

  private List<String> submitAndDrain(
      Supplier<PublishCycle> cycles, NotificationRequest.Builder[] requests) {
    List<NotificationRequest> built = maxOneAttempt(requests);
    long deadBefore = h.raw.zcard(h.keys.deadLetters());
    List<String> ids = h.submit(built.toArray(NotificationRequest[]::new));
    while (cycles.get().runOnce().claimed() > 0) {
      // until nothing is due
    }
    assertPlanted(deadBefore, built);
    return ids;
  }

  private static List<NotificationRequest> maxOneAttempt(NotificationRequest.Builder[] requests) {
    List<NotificationRequest> built = new ArrayList<>();
    for (NotificationRequest.Builder r : requests) {
      built.add(r.maxAttempts(1).build());
    }
    return built;
  }

  private void assertPlanted(long deadBefore, List<NotificationRequest> built) {
    int routes = 0;
    for (NotificationRequest request : built) {
      routes += request.recipients().size() * request.channels().size();
    }
    assertThat(h.raw.zcard(h.keys.deadLetters()) - deadBefore)
        .as("every planted route is a dead letter")
        .isEqualTo(routes);
  }
}
