package dev.herald.store.redis;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.domain.CancelRequest;
import dev.herald.domain.Notification;
import dev.herald.domain.RouteState;
import dev.herald.store.AcceptResult;
import dev.herald.store.CancelResult;
import dev.herald.store.DeadLetter;
import dev.herald.store.DeadLetterStore;
import dev.herald.store.DeadLetterStore.Change;
import dev.herald.store.DeadLetterStore.Route;
import dev.herald.store.RouteRecord;
import dev.herald.testing.Harness;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the store writes now (record format 2, untouched routes without a field of their own) and
 * what the version before wrote (format 1 records, a {@code p|0|<due>} field per route, stored here
 * by that version's own accept.lua, {@link FormatOne}): a deployment upgrades in place with
 * notifications of the old layout waiting, and the new scripts and readers must drain, cancel,
 * requeue, purge and show them as the old ones did.
 */
class StoredFormatsIT {

  private static final Duration WINDOW = Duration.ofHours(24);
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  private Notification earlier(String idTail, int recipients, Instant sendAt, Instant expiresAt) {
    Instant now = h.clock.instant();
    return new Notification(
        "01M8RG0TK1YSCDCZJN1TN6FP" + idTail,
        "game.turn_ready",
        "game-engine",
        null,
        List.of(Harness.recipients("u-" + idTail + "-", recipients)),
        List.of("push"),
        "{\"turn\":42,\"say\":\"\\\"hi\\\"\"}",
        "req-" + idTail,
        null,
        sendAt,
        null,
        now,
        expiresAt);
  }

  private void storeEarlier(Notification... batch) {
    Object reply = FormatOne.accept(h.raw, h.keys, List.of(batch), h.clock.instant(), WINDOW);
    assertThat((List<?>) reply).hasSize(2 * batch.length);
    for (Notification n : batch) {
      assertThat(h.raw.hget(h.keys.routes(n.id()), "0")).startsWith("p|0|");
      assertThat(h.raw.hexists(h.keys.routes(n.id()), "due")).isFalse();
      assertThat(h.raw.get(h.keys.notification(n.id()))).startsWith("{\"v\":1,\"id\":");
    }
  }

  private List<RouteRecord> routes(String id) {
    return h.backend.notifications().find(id).orElseThrow().routes();
  }

  private List<RouteState> states(String id) {
    return routes(id).stream().map(RouteRecord::state).toList();
  }

  private String figure(String name) {
    return h.raw.hget(h.keys.typeFigures(), name + ":game.turn_ready");
  }

  @Test
  void an_untouched_route_has_no_field_and_reads_as_pending_at_its_notifications_due_time() {
    Instant due = h.clock.instant().plusSeconds(5);
    String id = h.submit(notification("u-1", "u-2", "u-3").sendAt(due).build()).get(0);

    Map<String, String> hash = h.raw.hgetAll(h.keys.routes(id));
    assertThat(hash.keySet()).containsExactlyInAnyOrder("open", "type", "due", "n");
    assertThat(hash)
        .containsEntry("due", Long.toString(due.toEpochMilli()))
        .containsEntry("n", "3");
    assertThat(h.raw.get(h.keys.notification(id)))
        .startsWith("{\"v\":2,\"t\":\"game.turn_ready\"")
        .doesNotContain(id);
    assertThat(routes(id))
        .allSatisfy(
            r -> {
              assertThat(r.state()).isEqualTo(RouteState.PENDING);
              assertThat(r.attempts()).isZero();
              assertThat(r.nextAttemptAt()).isEqualTo(due);
            });

    h.clock.advance(Duration.ofSeconds(5));
    assertThat(h.drain(h.cycle("w", Harness.settings(100, 5)))).isEqualTo(3);
    assertThat(states(id)).containsOnly(RouteState.PUBLISHED);
    assertThat(h.raw.hget(h.keys.routes(id), "open")).isEqualTo("0");
  }

  @Test
  void notifications_an_earlier_version_stored_drain_under_the_new_scripts_each_route_once() {
    Instant now = h.clock.instant();
    Notification small = earlier("10", 3, now, null);
    Notification twoGroups = earlier("11", 70, now, null);
    Notification expiring = earlier("12", 2, now, now.plusSeconds(3600));
    storeEarlier(small, twoGroups, expiring);
    String fresh = h.submit(notification("u-a", "u-b").build()).get(0);
    assertThat(routes(twoGroups.id()))
        .allSatisfy(
            r -> {
              assertThat(r.state()).isEqualTo(RouteState.PENDING);
              assertThat(r.nextAttemptAt()).isEqualTo(now);
            });

    assertThat(h.drain(h.cycle("w", Harness.settings(500, 5)))).isEqualTo(77);

    List<Map<String, String>> events = h.streamFields();
    assertThat(events).hasSize(77);
    Set<String> seen = new HashSet<>();
    for (Map<String, String> e : events) {
      assertThat(seen.add(e.get("event_id"))).as("appended once: %s", e).isTrue();
    }
    assertThat(events)
        .filteredOn(e -> "u-11-69".equals(e.get("user_id")))
        .singleElement()
        .satisfies(e -> assertThat(e.get("payload_bytes")).isEqualTo(twoGroups.payloadJson()));
    for (String id : List.of(small.id(), twoGroups.id(), expiring.id(), fresh)) {
      assertThat(states(id)).as(id).containsOnly(RouteState.PUBLISHED);
      assertThat(h.raw.hget(h.keys.routes(id), "open")).as(id).isEqualTo("0");
      assertThat(h.raw.zscore(h.keys.retention(), id)).as(id).isNotNull();
    }
    assertThat(h.raw.zcard(h.keys.schedule())).isZero();
    assertThat(figure("pending")).isEqualTo("0");
    assertThat(figure("published")).isEqualTo("77");
  }

  @Test
  void
      an_earlier_versions_routes_retry_die_and_are_requeued_purged_and_cancelled_by_the_new_code() {
    Instant now = h.clock.instant();
    Notification failing = earlier("20", 4, now, null);
    Notification later = earlier("21", 2, now.plusSeconds(60), null);
    storeEarlier(failing, later);
    h.exhaustStream(); // every append fails, charged

    h.drain(h.cycle("w", Harness.settings(100, 2)));
    assertThat(states(failing.id())).containsOnly(RouteState.FAILED);
    h.clock.advance(Duration.ofSeconds(1));
    h.drain(h.cycle("w", Harness.settings(100, 2)));
    assertThat(states(failing.id())).containsOnly(RouteState.DEAD_LETTER);

    DeadLetterStore dead = h.backend.deadLetters();
    List<DeadLetter> page = dead.page(DeadLetterStore.Window.ALL, null, 10).deadLetters();
    assertThat(page).hasSize(4);
    assertThat(page)
        .allSatisfy(
            d -> {
              assertThat(d.notification()).isEqualTo(failing);
              assertThat(d.attempts()).isEqualTo(2);
            });

    h.raw.del(h.stream);
    Instant at = h.clock.instant();
    assertThat(
            dead.requeue(
                List.of(new DeadLetterStore.Requeue(new Route(failing.id(), 0), at)), false, at))
        .extracting(Change::outcome)
        .containsExactly(Change.Outcome.CHANGED);
    assertThat(dead.purge(List.of(new Route(failing.id(), 1)), at))
        .extracting(Change::outcome)
        .containsExactly(Change.Outcome.CHANGED);
    assertThat(
            dead.requeue(
                List.of(new DeadLetterStore.Requeue(new Route(later.id(), 0), at)), false, at))
        .as("an untouched route of the earlier layout is no dead letter")
        .singleElement()
        .satisfies(c -> assertThat(c.outcome()).isEqualTo(Change.Outcome.NOT_DEAD));
    assertThat(states(failing.id()))
        .containsExactly(
            RouteState.PENDING, RouteState.PURGED, RouteState.DEAD_LETTER, RouteState.DEAD_LETTER);

    assertThat(h.drain(h.cycle("w", Harness.settings(100, 2)))).isEqualTo(1);
    assertThat(h.streamEntries()).hasSize(1);
    assertThat(states(failing.id()))
        .containsExactly(
            RouteState.PUBLISHED,
            RouteState.PURGED,
            RouteState.DEAD_LETTER,
            RouteState.DEAD_LETTER);

    assertThat(cancel(failing.id()))
        .hasValueSatisfying(c -> assertThat(c.cancelled()).isEqualTo(2));
    assertThat(cancel(later.id())).hasValueSatisfying(c -> assertThat(c.cancelled()).isEqualTo(2));
    assertThat(states(later.id())).containsOnly(RouteState.CANCELLED);
    assertThat(h.raw.zcard(h.keys.deadLetters())).isZero();
    assertThat(h.raw.zcard(h.keys.schedule())).isZero();
    for (String id : List.of(failing.id(), later.id())) {
      assertThat(h.raw.hget(h.keys.routes(id), "open")).as(id).isEqualTo("0");
    }
    h.clock.advance(Duration.ofMinutes(2));
    assertThat(h.drain(h.cycle("w", Harness.settings(100, 2)))).isZero();
    assertThat(h.streamEntries()).hasSize(1);
  }

  @Test
  void untouched_routes_of_the_new_layout_are_cancelled_requeued_refused_and_expired_alike() {
    Instant now = h.clock.instant();
    String waiting = h.submit(notification(Harness.recipients("u-", 70)).build()).get(0);
    String expiring =
        h.submit(notification("u-x", "u-y").expiresAt(now.plusSeconds(10)).build()).get(0);
    h.clock.advance(Duration.ofSeconds(30)); // past the second's expiry

    Change notDead =
        h.backend
            .deadLetters()
            .requeue(
                List.of(new DeadLetterStore.Requeue(new Route(waiting, 3), h.clock.instant())),
                false,
                h.clock.instant())
            .get(0);
    assertThat(notDead.outcome()).isEqualTo(Change.Outcome.NOT_DEAD);
    assertThat(notDead.detail()).contains("pending");
    assertThat(cancel(waiting)).hasValueSatisfying(c -> assertThat(c.cancelled()).isEqualTo(70));
    assertThat(states(waiting)).hasSize(70).containsOnly(RouteState.CANCELLED);

    assertThat(h.drain(h.cycle("w", Harness.settings(100, 5)))).isZero();
    assertThat(states(expiring)).containsOnly(RouteState.EXPIRED);
    assertThat(h.streamEntries()).isEmpty();
    assertThat(h.raw.zcard(h.keys.schedule())).isZero();
    assertThat(figure("pending")).isEqualTo("0");
  }

  @Test
  void a_repeat_of_an_accept_the_earlier_version_ran_is_recognised_as_stored_and_writes_nothing() {
    Notification n = earlier("30", 3, h.clock.instant(), null);
    storeEarlier(n);
    String record = h.raw.get(h.keys.notification(n.id()));

    List<AcceptResult> again =
        h.backend.notifications().accept(List.of(n), h.clock.instant(), WINDOW);

    assertThat(again).containsExactly(new AcceptResult(n.id(), AcceptResult.Status.ALREADY_STORED));
    assertThat(h.raw.get(h.keys.notification(n.id()))).isEqualTo(record);
    assertThat(h.raw.hexists(h.keys.routes(n.id()), "due")).isFalse();
    assertThat(h.raw.zcard(h.keys.schedule())).isEqualTo(1);
    assertThat(h.raw.hget(h.keys.stats(), "routes_accepted")).isEqualTo("3");

    Notification other =
        new Notification(
            n.id(),
            n.type(),
            n.producer(),
            null,
            n.recipients(),
            n.channels(),
            "{\"turn\":43}",
            n.requestId(),
            null,
            n.sendAt(),
            null,
            n.acceptedAt(),
            null);
    assertThatThrownBy(
            () -> h.backend.notifications().accept(List.of(other), h.clock.instant(), WINDOW))
        .hasMessageContaining("already in use");
  }

  private java.util.Optional<CancelResult> cancel(String id) {
    return h.backend.notifications().cancel(CancelRequest.byId(id), h.clock.instant(), WINDOW);
  }
}
