package dev.herald.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NotificationTest {

  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

  private static Notification notification(List<String> recipients, List<String> channels) {
    return NotificationRequest.builder()
        .type("t")
        .producer("p")
        .recipients(recipients)
        .channels(channels)
        .build()
        .toNotification("N1", NOW);
  }

  @Test
  void routes_are_numbered_channel_by_channel_and_map_back_to_their_index() {
    Notification n = notification(List.of("u-1", "u-2", "u-3"), List.of("push", "email"));
    assertThat(n.routeCount()).isEqualTo(6);
    assertThat(n.route(0)).hasToString("push:u-1");
    assertThat(n.route(2)).hasToString("push:u-3");
    assertThat(n.route(3)).hasToString("email:u-1");
    for (int i = 0; i < n.routeCount(); i++) {
      assertThat(n.indexOf(n.route(i))).isEqualTo(i);
    }
    assertThat(n.indexOf(new RouteId("sms", "u-1"))).isEqualTo(-1);
    assertThatThrownBy(() -> n.route(6)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void repeated_recipients_and_channels_make_one_route_each() {
    Notification n = notification(List.of("u-1", "u-2", "u-1"), List.of("push", "push"));
    assertThat(n.recipients()).containsExactly("u-1", "u-2");
    assertThat(n.channels()).containsExactly("push");
    assertThat(n.routeCount()).isEqualTo(2);
  }

  @Test
  void repeats_are_dropped_in_order_of_first_appearance_in_short_lists_and_long_ones() {
    List<String> many = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      many.add("u-" + (i % 25));
    }
    Notification n = notification(many, List.of("push"));
    assertThat(n.recipients()).hasSize(25).startsWith("u-0", "u-1").endsWith("u-24");
    assertThat(notification(List.of("b", "a", "b", "c", "a"), List.of("push")).recipients())
        .containsExactly("b", "a", "c");
  }

  @Test
  void defaults_fill_send_time_and_payload() {
    Notification n = notification(List.of("u-1"), List.of("push"));
    assertThat(n.sendAt()).isEqualTo(NOW);
    assertThat(n.acceptedAt()).isEqualTo(NOW);
    assertThat(n.payloadJson()).isEqualTo("{}");
    assertThat(n.maxAttemptsOr(7)).isEqualTo(7);
  }

  @Test
  void route_ids_and_refs_parse_back() {
    assertThat(RouteId.parse("push:u:1")).isEqualTo(new RouteId("push", "u:1"));
    assertThat(RouteRef.parse("N1/push:u-1"))
        .isEqualTo(new RouteRef("N1", new RouteId("push", "u-1")));
    assertThatThrownBy(() -> RouteId.parse("push")).hasMessageContaining("<channel>:<recipient>");
    assertThatThrownBy(() -> RouteRef.parse("N1")).hasMessageContaining("NOTIFICATION_ID/ROUTE_ID");
  }
}
