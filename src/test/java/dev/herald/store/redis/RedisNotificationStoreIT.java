package dev.herald.store.redis;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.domain.Notification;
import dev.herald.domain.RouteState;
import dev.herald.intake.SubmitResult;
import dev.herald.intake.SubmitResult.Outcome;
import dev.herald.store.NotificationRecord;
import dev.herald.store.StoreException;
import dev.herald.testing.Harness;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.params.ScanParams;

class RedisNotificationStoreIT {

  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  /** Every key of the namespace: SCAN to the end, since the shared test Redis holds others'. */
  private Set<String> keysOfNamespace() {
    Set<String> found = new java.util.HashSet<>();
    String cursor = "0";
    do {
      var page = h.raw.scan(cursor, new ScanParams().match(h.namespace + ":*").count(10_000));
      found.addAll(page.getResult());
      cursor = page.getCursor();
    } while (!"0".equals(cursor));
    return Set.copyOf(found);
  }

  @Test
  void accepting_stores_the_record_its_routes_and_one_schedule_entry_per_group() {
    Instant due = h.clock.instant().plusSeconds(5);
    String id = h.submit(notification("u-1", "u-2", "u-3").sendAt(due).build()).get(0);

    assertThat(h.raw.get(h.keys.notification(id))).contains("\"t\":\"game.turn_ready\"");
    // Stored format 3: the routes are untouched, and no route hash says so until the first
    // change (lib/states.lua); they read as pending, due at the record's send time.
    assertThat(h.raw.exists(h.keys.routes(id))).isFalse();
    assertThat(h.backend.notifications().find(id).orElseThrow().routes())
        .hasSize(3)
        .allSatisfy(
            r -> {
              assertThat(r.state()).isEqualTo(dev.herald.domain.RouteState.PENDING);
              assertThat(r.nextAttemptAt()).isEqualTo(due);
            });
    assertThat(h.raw.zrangeWithScores(h.keys.schedule(), 0, -1))
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getElement()).isEqualTo(id + ":0-2");
              assertThat((long) t.getScore()).isEqualTo(due.toEpochMilli());
            });
  }

  @Test
  void a_large_notification_is_scheduled_in_groups_of_64() {
    String[] recipients = new String[130];
    for (int i = 0; i < recipients.length; i++) {
      recipients[i] = "u-" + i;
    }
    String id = h.submit(notification(recipients).build()).get(0);
    assertThat(h.raw.zrange(h.keys.schedule(), 0, -1))
        .containsExactlyInAnyOrder(id + ":0-63", id + ":64-127", id + ":128-129");
  }

  @Test
  void the_same_producer_and_key_within_the_window_returns_the_first_id_and_schedules_nothing() {
    String first = h.submit(notification("u-1").idempotencyKey("turn-42").build()).get(0);
    h.clock.advance(Duration.ofHours(23));
    List<SubmitResult> again =
        h.intake()
            .submit(
                List.of(
                    notification("u-9").idempotencyKey("turn-42").build(),
                    notification("u-1").idempotencyKey("turn-42").producer("other").build()));

    assertThat(again.get(0).outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(again.get(0).notificationId()).isEqualTo(first);
    assertThat(again.get(1).outcome()).as("another producer's key").isEqualTo(Outcome.ACCEPTED);
    assertThat(h.raw.zcard(h.keys.schedule())).isEqualTo(2);
  }

  @Test
  void two_notifications_with_one_key_in_the_same_batch_are_one_notification() {
    List<SubmitResult> results =
        h.intake()
            .submit(
                List.of(
                    notification("u-1").idempotencyKey("k").build(),
                    notification("u-2").idempotencyKey("k").build()));
    assertThat(results.get(0).outcome()).isEqualTo(Outcome.ACCEPTED);
    assertThat(results.get(1).outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(results.get(1).notificationId()).isEqualTo(results.get(0).notificationId());
    assertThat(h.raw.zcard(h.keys.schedule())).isEqualTo(1);
  }

  @Test
  void once_the_window_has_passed_the_key_names_a_new_notification() {
    String first = h.submit(notification("u-1").idempotencyKey("k").build()).get(0);
    h.clock.advance(Duration.ofHours(24));
    String second = h.submit(notification("u-1").idempotencyKey("k").build()).get(0);
    assertThat(second).isNotEqualTo(first);
  }

  @Test
  void a_batch_is_all_or_nothing_when_redis_refuses_part_of_it() {
    h.raw.set(h.keys.schedule(), "not a sorted set");
    assertThatThrownBy(
            () ->
                h.backend
                    .notifications()
                    .accept(
                        List.of(
                            notification("u-1")
                                .idempotencyKey("k1")
                                .build()
                                .toNotification("N1", h.clock.instant()),
                            notification("u-2").build().toNotification("N2", h.clock.instant())),
                        h.clock.instant(),
                        Duration.ofHours(1)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("WRONGTYPE");
    assertThat(keysOfNamespace())
        .containsExactlyInAnyOrder(h.keys.schedule(), h.keys.storedFormat());
  }

  @Test
  void an_id_already_in_use_is_refused_before_anything_is_written() {
    Notification n = notification("u-1").build().toNotification("N1", h.clock.instant());
    h.backend.notifications().accept(List.of(n), h.clock.instant(), Duration.ZERO);
    Set<String> before = keysOfNamespace();
    // Another record under the same id: the identical one would be the same notification again,
    // accepted after a lost reply, and is reported as stored already.
    Notification other = notification("u-9").build().toNotification("N1", h.clock.instant());
    assertThatThrownBy(
            () ->
                h.backend
                    .notifications()
                    .accept(
                        List.of(
                            notification("u-2").build().toNotification("N2", h.clock.instant()),
                            other),
                        h.clock.instant(),
                        Duration.ZERO))
        .hasMessageContaining("N1 is already in use");
    assertThat(keysOfNamespace()).isEqualTo(before);
  }

  @Test
  void an_id_whose_route_key_holds_another_type_is_refused_before_anything_is_written() {
    // Only the record key was checked: the HSET of the routes then failed with WRONGTYPE after
    // the batch's earlier notifications had been written.
    h.raw.set(h.keys.routes("N1"), "not a hash");
    Set<String> before = keysOfNamespace();
    assertThatThrownBy(
            () ->
                h.backend
                    .notifications()
                    .accept(
                        List.of(
                            notification("u-2").build().toNotification("N2", h.clock.instant()),
                            notification("u-1").build().toNotification("N1", h.clock.instant())),
                        h.clock.instant(),
                        Duration.ZERO))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("N1 is already in use");
    assertThat(keysOfNamespace()).isEqualTo(before);
  }

  @Test
  void find_returns_the_notification_with_each_route_and_nothing_for_an_unknown_id() {
    String id = h.submit(notification("u-1", "u-2").requestId("req-1").build()).get(0);
    NotificationRecord record = h.backend.notifications().find(id).orElseThrow();
    assertThat(record.notification().requestId()).isEqualTo("req-1");
    assertThat(record.routes())
        .extracting(r -> r.routeId().toString(), r -> r.state(), r -> r.attempts())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("push:u-1", RouteState.PENDING, 0),
            org.assertj.core.groups.Tuple.tuple("push:u-2", RouteState.PENDING, 0));
    assertThat(h.backend.notifications().find("01NOSUCHNOTIFICATION00000")).isEmpty();
  }
}
