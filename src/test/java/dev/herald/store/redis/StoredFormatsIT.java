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
 * What the store writes now (stored format 3: a record of format 2 and no route hash until the
 * notification's first change) and what the versions before wrote (format 2: a route hash with
 * untouched routes without a field of their own, {@link FormatTwo}; format 1 records, a {@code
 * p|0|<due>} field per route, {@link FormatOne}; each stored here by that version's own
 * accept.lua): a deployment upgrades in place with notifications of the old layouts waiting, and
 * the new scripts and readers must drain, cancel, requeue, purge and show them as the old ones did.
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

  private void storeFormatTwo(Notification... batch) {
    Object reply = FormatTwo.accept(h.raw, h.keys, List.of(batch), h.clock.instant(), WINDOW);
    assertThat((List<?>) reply).hasSize(2 * batch.length);
    for (Notification n : batch) {
      assertThat(h.raw.hexists(h.keys.routes(n.id()), "due")).isTrue();
    }
  }

  private void storeNew(Notification... batch) {
    assertThat(h.backend.notifications().accept(List.of(batch), h.clock.instant(), WINDOW))
        .allSatisfy(r -> assertThat(r.status()).isEqualTo(AcceptResult.Status.CREATED));
    for (Notification n : batch) {
      assertThat(h.raw.exists(h.keys.routes(n.id()))).isFalse();
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
  void an_untouched_notification_has_no_route_hash_and_reads_as_pending_at_its_due_time() {
    Instant due = h.clock.instant().plusSeconds(5);
    String id = h.submit(notification("u-1", "u-2", "u-3").sendAt(due).build()).get(0);
    Notification two = earlier("01", 2, due, due.plusSeconds(3600));
    storeFormatTwo(two);

    assertThat(h.raw.exists(h.keys.routes(id))).isFalse();
    assertThat(h.raw.get(h.keys.notification(id)))
        .startsWith("{\"v\":2,\"t\":\"game.turn_ready\"")
        .doesNotContain(id);
    for (String each : List.of(id, two.id())) {
      assertThat(routes(each))
          .as(each)
          .allSatisfy(
              r -> {
                assertThat(r.state()).isEqualTo(RouteState.PENDING);
                assertThat(r.attempts()).isZero();
                assertThat(r.nextAttemptAt()).isEqualTo(due);
              });
    }

    h.clock.advance(Duration.ofSeconds(5));
    assertThat(h.drain(h.cycle("w", Harness.settings(100, 5)))).isEqualTo(5);
    // The claim that published the routes wrote the hash, with what the record implied.
    Map<String, String> hash = h.raw.hgetAll(h.keys.routes(id));
    assertThat(hash)
        .containsEntry("open", "0")
        .containsEntry("type", "game.turn_ready")
        .containsEntry("due", Long.toString(due.toEpochMilli()))
        .containsEntry("n", "3")
        .doesNotContainKey("exp");
    for (String each : List.of(id, two.id())) {
      assertThat(states(each)).as(each).containsOnly(RouteState.PUBLISHED);
      assertThat(h.raw.hget(h.keys.routes(each), "open")).as(each).isEqualTo("0");
      assertThat(h.raw.zscore(h.keys.retention(), each)).as(each).isNotNull();
    }
    assertThat(h.streamEntries()).hasSize(5);
    assertThat(figure("pending")).isEqualTo("0");
    assertThat(figure("published")).isEqualTo("5");
  }

  @Test
  void a_leased_format_3_notification_gets_its_route_hash_with_the_lease_and_drains_once() {
    Instant now = h.clock.instant();
    Notification twoGroups = earlier("02", 70, now, now.plusSeconds(3600));
    storeNew(twoGroups);

    assertThat(h.drain(h.cycle("w", Harness.leasing(Harness.settings(500, 5))))).isEqualTo(70);

    Map<String, String> hash = h.raw.hgetAll(h.keys.routes(twoGroups.id()));
    assertThat(hash)
        .containsEntry("open", "0")
        .containsEntry("n", "70")
        .containsEntry("exp", Long.toString(now.plusSeconds(3600).toEpochMilli()));
    assertThat(states(twoGroups.id())).containsOnly(RouteState.PUBLISHED);
    Set<String> seen = new HashSet<>();
    for (Map<String, String> e : h.streamFields()) {
      assertThat(seen.add(e.get("event_id"))).as("appended once: %s", e).isTrue();
    }
    assertThat(seen).hasSize(70);
    assertThat(h.raw.zcard(h.keys.schedule())).isZero();
    assertThat(figure("published")).isEqualTo("70");
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
    routes_retry_die_and_are_requeued_purged_and_cancelled(this::storeEarlier);
  }

  @Test
  void format_2_routes_retry_die_and_are_requeued_purged_and_cancelled_by_the_new_code() {
    routes_retry_die_and_are_requeued_purged_and_cancelled(this::storeFormatTwo);
  }

  @Test
  void format_3_routes_retry_die_and_are_requeued_purged_and_cancelled() {
    routes_retry_die_and_are_requeued_purged_and_cancelled(this::storeNew);
  }

  private void routes_retry_die_and_are_requeued_purged_and_cancelled(
      java.util.function.Consumer<Notification[]> store) {
    Instant now = h.clock.instant();
    Notification failing = earlier("20", 4, now, null);
    Notification later = earlier("21", 2, now.plusSeconds(60), null);
    store.accept(new Notification[] {failing, later});
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
        .as("an untouched route is no dead letter")
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
    assertThat(h.raw.exists(h.keys.routes(waiting))).isFalse();
    assertThat(h.raw.exists(h.keys.routes(expiring))).isFalse();
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
    assertThat(h.raw.hget(h.keys.routes(waiting), "open")).isEqualTo("0");
    assertThat(h.raw.zscore(h.keys.retention(), waiting)).isNotNull();

    assertThat(h.drain(h.cycle("w", Harness.settings(100, 5)))).isZero();
    assertThat(states(expiring)).containsOnly(RouteState.EXPIRED);
    assertThat(h.raw.hget(h.keys.routes(expiring), "open")).isEqualTo("0");
    assertThat(h.raw.hget(h.keys.routes(expiring), "exp"))
        .isEqualTo(Long.toString(now.plusSeconds(10).toEpochMilli()));
    assertThat(h.raw.zscore(h.keys.retention(), expiring)).isNotNull();
    assertThat(h.streamEntries()).isEmpty();
    assertThat(h.raw.zcard(h.keys.schedule())).isZero();
    assertThat(figure("pending")).isEqualTo("0");
  }

  @Test
  void a_format_3_notification_whose_record_is_unreadable_is_quarantined_never_dropped() {
    Instant now = h.clock.instant();
    Notification broken = earlier("40", 2, now, null);
    Notification gone = earlier("41", 2, now, null);
    storeNew(broken, gone);
    h.raw.set(h.keys.notification(broken.id()), "{\"v\":2,\"t\":\"game.turn_ready\"");
    h.raw.del(h.keys.notification(gone.id()));

    assertThatThrownBy(() -> cancel(broken.id())).hasMessageContaining("unreadable");
    assertThat(cancel(gone.id())).isEmpty();
    assertThat(h.drain(h.cycle("w", Harness.settings(100, 5)))).isZero();

    assertThat(h.raw.hgetAll(h.keys.quarantine()))
        .containsOnlyKeys(broken.id() + ":0-1", gone.id() + ":0-1")
        .hasEntrySatisfying(
            broken.id() + ":0-1", why -> assertThat(why).contains("no route states", "unreadable"));
    assertThat(h.raw.zcard(h.keys.schedule())).isZero();
    assertThat(h.raw.exists(h.keys.routes(broken.id()))).isFalse();
    assertThat(h.streamEntries()).isEmpty();
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
