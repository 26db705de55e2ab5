package dev.herald.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.domain.Channel;
import dev.herald.domain.Channels;
import dev.herald.domain.GatewayEvent;
import dev.herald.domain.Notification;
import dev.herald.domain.NotificationRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventEncoderTest {

  private static final Channels PUSH = new Channels(List.of(new Channel("push", "gw", 1000)));

  private static Notification notification(String requestId, String traceId) {
    return NotificationRequest.builder()
        .type("game.turn_ready")
        .producer("game-engine")
        .recipients("u-1", "u-2")
        .channels("push")
        .payloadJson("{\"turn\":42}")
        .requestId(requestId)
        .traceId(traceId)
        .build()
        .toNotification("N1", Instant.parse("2026-11-25T12:00:00Z"));
  }

  /** Every field of the stream entry as name/value pairs: the route's, then the shared ones. */
  private static List<String> fields(GatewayEvent e) {
    List<String> all =
        new ArrayList<>(
            List.of("event_id", e.eventId(), "user_id", e.userId(), "route_id", e.routeId()));
    all.addAll(e.shared().fields());
    return all;
  }

  @Test
  void an_event_carries_the_documented_fields_with_a_stable_event_id() throws Exception {
    EventEncoder encoder = new EventEncoder(PUSH);
    Notification n = notification("req-1", "tr-1");
    GatewayEvent event = encoder.event(encoder.template(n), n, 1);
    assertThat(event.channel().stream()).isEqualTo("gw");
    assertThat(fields(event))
        .containsExactly(
            "event_id", "N1/push:u-2",
            "user_id", "u-2",
            "route_id", "push:u-2",
            "event_type", "game.turn_ready",
            "payload_bytes", "{\"turn\":42}",
            "notification_id", "N1",
            "request_id", "req-1",
            "trace_id", "tr-1");
    GatewayEvent again = encoder.event(encoder.template(n), n, 1);
    assertThat(fields(again)).isEqualTo(fields(event));
  }

  @Test
  void request_and_trace_ids_are_left_out_when_absent() throws Exception {
    EventEncoder encoder = new EventEncoder(PUSH);
    Notification n = notification(null, null);
    assertThat(encoder.template(n).fields())
        .containsExactly(
            "event_type",
            "game.turn_ready",
            "payload_bytes",
            "{\"turn\":42}",
            "notification_id",
            "N1");
  }

  @Test
  void a_channel_no_longer_configured_fails_the_encoding_with_a_reason() throws Exception {
    EventEncoder encoder =
        new EventEncoder(new Channels(List.of(new Channel("email", "mail", 10))));
    Notification n = notification(null, null);
    assertThatThrownBy(() -> encoder.event(encoder.template(n), n, 0))
        .isInstanceOf(EventEncodingException.class)
        .hasMessage("channel 'push' is not configured any more (configured: email)");
  }
}
