package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.domain.Channel;
import dev.herald.domain.Channels;
import dev.herald.domain.NotificationRequest;
import dev.herald.publish.EventEncoder;
import dev.herald.publish.PublishCycle;
import dev.herald.publish.PublisherListener;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Makes dead letters the way production does: notifications with one attempt each, published while
 * the gateway stream cannot take them, through the real accept, claim and complete scripts.
 */
public final class DeadLetterPlanting {

  private final Harness h;

  public DeadLetterPlanting(Harness h) {
    this.h = h;
  }

  /**
   * Submits the notifications with {@code max_attempts} 1 and publishes them while the stream key
   * holds a string: each route becomes a dead letter classified {@code
   * gateway_stream_publish_failed}, dead since the harness clock's now. The stream works again
   * afterwards.
   */
  public List<String> streamDown(NotificationRequest.Builder... requests) {
    h.raw.del(h.stream);
    h.raw.set(h.stream, "the gateway is down");
    try {
      // A fresh cycle per batch: a cycle's circuit breaker would open after the first failures
      // and defer the rest of the routes instead of letting them die.
      return submitAndDrain(() -> h.cycle("planter", Harness.settings(500, 1)), requests);
    } finally {
      h.raw.del(h.stream);
    }
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
    List<NotificationRequest> built = new ArrayList<>();
    int routes = 0;
    for (NotificationRequest.Builder r : requests) {
      NotificationRequest request = r.maxAttempts(1).build();
      built.add(request);
      routes += request.recipients().size() * request.channels().size();
    }
    long deadBefore = h.raw.zcard(h.keys.deadLetters());
    List<String> ids = h.submit(built.toArray(NotificationRequest[]::new));
    while (cycles.get().runOnce().claimed() > 0) {
      // until nothing is due
    }
    assertThat(h.raw.zcard(h.keys.deadLetters()) - deadBefore)
        .as("every planted route is a dead letter")
        .isEqualTo(routes);
    return ids;
  }
}
