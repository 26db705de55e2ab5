package dev.herald.store.redis;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.domain.FailureKind;
import dev.herald.domain.GatewayEvent;
import dev.herald.domain.Notification;
import dev.herald.domain.RouteState;
import dev.herald.publish.EventEncoder;
import dev.herald.store.ClaimedBatch;
import dev.herald.store.ClaimedNotification;
import dev.herald.store.ClaimedRoute;
import dev.herald.store.CompletionReport.Status;
import dev.herald.store.DeadLetter;
import dev.herald.store.DeadLetterStore;
import dev.herald.store.DeadLetterStore.Change;
import dev.herald.store.DeadLetterStore.Cursor;
import dev.herald.store.DeadLetterStore.Page;
import dev.herald.store.DeadLetterStore.Requeue;
import dev.herald.store.DeadLetterStore.RetentionPurge;
import dev.herald.store.DeadLetterStore.Route;
import dev.herald.store.DeadLetterStore.Window;
import dev.herald.store.RouteOutcome;
import dev.herald.store.RouteRecord;
import dev.herald.testing.DeadLetterPlanting;
import dev.herald.testing.Harness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RedisDeadLetterStoreIT {

  private final Harness h = new Harness();
  private final DeadLetterPlanting plant = new DeadLetterPlanting(h);
  private final DeadLetterStore store = h.backend.deadLetters();

  @AfterEach
  void close() {
    h.close();
  }

  private RouteRecord route(String id, int index) {
    return h.backend.notifications().find(id).orElseThrow().routes().get(index);
  }

  private List<String> published() {
    return h.streamFields().stream()
        .map(f -> f.get("notification_id") + "/" + f.get("route_id"))
        .toList();
  }

  @Test
  void pages_run_newest_first_and_visit_each_entry_once_even_when_entries_leave_between_pages() {
    List<String> all = new ArrayList<>();
    for (int batch = 0; batch < 3; batch++) {
      // Ten notifications of three routes each, all dead at the same millisecond: ties to page
      // over.
      List<String> ids = new ArrayList<>();
      for (int n = 0; n < 10; n++) {
        ids.addAll(plant.streamDown(notification("a" + n, "b" + n, "c" + n)));
      }
      for (String id : ids) {
        for (String r : List.of("a", "b", "c")) {
          all.add(id);
        }
      }
      h.clock.advance(Duration.ofSeconds(1));
    }
    assertThat(store.count(Window.ALL)).isEqualTo(90);

    List<DeadLetter> visited = new ArrayList<>();
    Set<String> refs = new HashSet<>();
    String purgedAhead = null;
    Cursor cursor = null;
    do {
      Page page = store.page(Window.ALL, cursor, 7);
      assertThat(page.deadLetters()).hasSizeLessThanOrEqualTo(7);
      for (DeadLetter d : page.deadLetters()) {
        assertThat(refs.add(d.ref())).as("%s visited once", d.ref()).isTrue();
        visited.add(d);
      }
      // What a requeue does: the entries just read leave the index before the next page.
      store.requeue(
          page.deadLetters().stream()
              .map(d -> new Requeue(new Route(d.notificationId(), d.index()), h.clock.instant()))
              .toList(),
          false,
          h.clock.instant());
      if (purgedAhead == null) {
        // And one entry not read yet leaves too (another operator purges it).
        DeadLetter oldest =
            store
                .page(new Window(Optional.empty(), Optional.empty()), null, 200)
                .deadLetters()
                .get(82 - visited.size());
        purgedAhead = oldest.ref();
        store.purge(List.of(new Route(oldest.notificationId(), oldest.index())), h.clock.instant());
      }
      cursor = page.next().orElse(null);
    } while (cursor != null);

    assertThat(visited).hasSize(89);
    assertThat(refs).doesNotContain(purgedAhead);
    for (int i = 1; i < visited.size(); i++) {
      assertThat(visited.get(i).deadSince()).isBeforeOrEqualTo(visited.get(i - 1).deadSince());
    }
    assertThat(store.count(Window.ALL)).isZero();
  }

  @Test
  void a_page_reads_only_within_its_window_and_has_everything_list_and_show_need() {
    Instant t0 = h.clock.instant();
    String older = plant.streamDown(notification("u-1")).get(0);
    h.clock.advance(Duration.ofMinutes(10));
    String newer = plant.unencodable(notification("u-2").type("chat.message")).get(0);
    h.clock.advance(Duration.ofMinutes(10));
    plant.streamDown(notification("u-3"));

    Window window = new Window(Optional.of(t0), Optional.of(t0.plus(Duration.ofMinutes(10))));
    assertThat(store.count(window)).isEqualTo(2);
    Page page = store.page(window, null, 10);
    assertThat(page.next()).isEmpty();
    assertThat(page.deadLetters())
        .extracting(DeadLetter::notificationId)
        .containsExactly(newer, older);
    DeadLetter d = page.deadLetters().get(0);
    assertThat(d.ref()).isEqualTo(newer + "/push:u-2");
    assertThat(d.notification().type()).isEqualTo("chat.message");
    assertThat(d.attempts()).isEqualTo(1);
    assertThat(d.deadSince()).isEqualTo(t0.plus(Duration.ofMinutes(10)));
    assertThat(d.lastFailure().kind()).isEqualTo(FailureKind.PAYLOAD_ENCODING_FAILED);
    assertThat(page.deadLetters().get(1).lastFailure().kind())
        .isEqualTo(FailureKind.GATEWAY_STREAM_PUBLISH_FAILED);
  }

  @Test
  void requeue_makes_a_dead_letter_pending_from_attempt_one_and_wakes_publishers() {
    String id = plant.streamDown(notification("u-1", "u-2")).get(0);
    List<Instant> wakeups = new CopyOnWriteArrayList<>();
    try (AutoCloseable sub = h.backend.wakeups().subscribe(wakeups::add, e -> {})) {
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> h.raw.publish(h.keys.wakeupChannel(), "0") > 0); // subscribed
      Instant at = h.clock.instant().plusSeconds(30);
      List<Change> changes =
          store.requeue(List.of(new Requeue(new Route(id, 1), at)), false, h.clock.instant());

      assertThat(changes).extracting(Change::outcome).containsExactly(Change.Outcome.CHANGED);
      RouteRecord r = route(id, 1);
      assertThat(r.state()).isEqualTo(RouteState.PENDING);
      assertThat(r.attempts()).isZero();
      assertThat(r.nextAttemptAt()).isEqualTo(at);
      assertThat(r.failures()).hasSize(1); // the history stays
      assertThat(route(id, 0).state()).isEqualTo(RouteState.DEAD_LETTER);
      assertThat(h.raw.zscore(h.keys.deadLetters(), id + ":1")).isNull();
      assertThat(h.raw.zscore(h.keys.schedule(), id + ":0-1")).isEqualTo(at.toEpochMilli());
      await().atMost(Duration.ofSeconds(5)).until(() -> wakeups.contains(at));
    } catch (Exception e) {
      throw new AssertionError(e);
    }

    h.clock.advance(Duration.ofSeconds(30));
    h.drain(h.cycle("w", Harness.settings(100, 1)));
    assertThat(published()).containsExactly(id + "/push:u-2");
  }

  @Test
  void keeping_attempts_requeues_as_failed_so_the_route_gets_one_more_attempt() {
    String id = plant.streamDown(notification("u-1")).get(0);
    store.requeue(
        List.of(new Requeue(new Route(id, 0), h.clock.instant())), true, h.clock.instant());
    RouteRecord r = route(id, 0);
    assertThat(r.state()).isEqualTo(RouteState.FAILED);
    assertThat(r.attempts()).isEqualTo(1);

    h.exhaustStream(); // every append fails, charged
    h.drain(h.cycle("w", Harness.settings(100, 5)));
    RouteRecord again = route(id, 0);
    assertThat(again.state()).isEqualTo(RouteState.DEAD_LETTER);
    assertThat(again.attempts()).isEqualTo(2);
    assertThat(again.failures()).extracting(f -> f.attempt()).containsExactly(1, 2);
  }

  @Test
  void a_route_requeued_while_another_route_of_its_group_is_leased_is_published_after_that_lease()
      throws Exception {
    String id = h.submit(notification("u-1", "u-2", "u-3").maxAttempts(1).build()).get(0);
    // Route 0 alone becomes a dead letter: a claim of one route, while appends fail.
    h.exhaustStream();
    ClaimedBatch first =
        h.backend.routes().claimDue(h.clock.instant(), Duration.ofSeconds(30), "w.1", 1);
    h.backend.routes().complete("w.1", h.clock.instant(), publishAll(first));
    h.raw.del(h.stream);
    assertThat(route(id, 0).state()).isEqualTo(RouteState.DEAD_LETTER);

    // Another worker leases the rest of the group (routes 1 and 2) and holds it.
    h.clock.advance(Duration.ofMillis(5));
    ClaimedBatch held =
        h.backend.routes().claimDue(h.clock.instant(), Duration.ofSeconds(30), "w.2", 100);
    assertThat(held.routeCount()).isEqualTo(2);

    // The operator requeues route 0 meanwhile.
    assertThat(
            store.requeue(
                List.of(new Requeue(new Route(id, 0), h.clock.instant())),
                false,
                h.clock.instant()))
        .extracting(Change::outcome)
        .containsExactly(Change.Outcome.CHANGED);
    assertThat(route(id, 0).state()).isEqualTo(RouteState.PENDING);

    // A third worker finds the group due but leased: it leaves it alone.
    h.clock.advance(Duration.ofMillis(5));
    assertThat(
            h.backend
                .routes()
                .claimDue(h.clock.instant(), Duration.ofSeconds(30), "w.3", 100)
                .routeCount())
        .isZero();

    // The holder completes its lease; this reschedules the group from the lease's rest.
    assertThat(
            h.backend
                .routes()
                .complete("w.2", h.clock.instant(), publishAll(held))
                .count(Status.PUBLISHED))
        .isEqualTo(2);

    h.drain(h.cycle("w", Harness.settings(100, 1)));
    assertThat(published())
        .containsExactlyInAnyOrder(id + "/push:u-1", id + "/push:u-2", id + "/push:u-3");
    assertThat(route(id, 0).state()).isEqualTo(RouteState.PUBLISHED);
  }

  private List<RouteOutcome> publishAll(ClaimedBatch batch) throws Exception {
    EventEncoder encoder = new EventEncoder(h.channels);
    List<RouteOutcome> outcomes = new ArrayList<>();
    for (ClaimedNotification n : batch.notifications()) {
      Notification notification = n.notification();
      var template = encoder.template(notification);
      for (ClaimedRoute r : n.routes()) {
        GatewayEvent event = encoder.event(template, notification, r.index());
        outcomes.add(new RouteOutcome.Publish(r, event, null));
      }
    }
    return outcomes;
  }

  @Test
  void requeueing_twice_changes_a_route_once_and_leaves_other_routes_alone() {
    String id = plant.streamDown(notification("u-1")).get(0);
    String live = h.submit(notification("u-2").build()).get(0);
    List<Requeue> routes =
        List.of(
            new Requeue(new Route(id, 0), h.clock.instant()),
            new Requeue(new Route(id, 0), h.clock.instant()),
            new Requeue(new Route(live, 0), h.clock.instant()),
            new Requeue(new Route("01NOSUCHNOTIFICATION000000", 0), h.clock.instant()));

    List<Change> changes = store.requeue(routes, false, h.clock.instant());
    assertThat(changes)
        .extracting(Change::outcome, Change::detail)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Change.Outcome.CHANGED, ""),
            org.assertj.core.groups.Tuple.tuple(Change.Outcome.NOT_DEAD, "pending"),
            org.assertj.core.groups.Tuple.tuple(Change.Outcome.NOT_DEAD, "pending"),
            org.assertj.core.groups.Tuple.tuple(Change.Outcome.NOT_DEAD, ""));
    assertThat(store.requeue(routes.subList(0, 1), false, h.clock.instant()))
        .extracting(Change::outcome)
        .containsExactly(Change.Outcome.NOT_DEAD);
    assertThat(h.backend.stats().snapshot(h.clock.instant(), List.of()).counter("requeued"))
        .isEqualTo(1);
    h.drain(h.cycle("w", Harness.settings(100, 1)));
    assertThat(published()).containsExactlyInAnyOrder(id + "/push:u-1", live + "/push:u-2");
  }

  @Test
  void a_dead_letter_whose_notification_is_unreadable_cannot_be_requeued_but_can_be_purged() {
    String id = plant.streamDown(notification("u-1")).get(0);
    h.raw.set(h.keys.notification(id), "{not json");
    Route route = new Route(id, 0);

    Change change =
        store
            .requeue(List.of(new Requeue(route, h.clock.instant())), false, h.clock.instant())
            .get(0);
    assertThat(change.outcome()).isEqualTo(Change.Outcome.FAILED);
    assertThat(change.detail()).contains("is unreadable");
    assertThat(h.raw.hget(h.keys.routes(id), "0")).startsWith("d|");
    assertThat(h.raw.zscore(h.keys.deadLetters(), id + ":0")).isNotNull();

    assertThat(store.purge(List.of(route), h.clock.instant()))
        .extracting(Change::outcome)
        .containsExactly(Change.Outcome.CHANGED);
    assertThat(h.raw.hget(h.keys.routes(id), "0")).startsWith("z|1|");
  }

  @Test
  void a_purged_route_is_finished_and_its_notification_leaves_after_retention() {
    String id = plant.streamDown(notification("u-1", "u-2")).get(0);
    store.purge(List.of(new Route(id, 0)), h.clock.instant());

    assertThat(route(id, 0).state()).isEqualTo(RouteState.PURGED);
    assertThat(route(id, 0).deadAt()).isEqualTo(h.clock.instant());
    assertThat(route(id, 0).failures()).hasSize(1);
    assertThat(h.raw.hget(h.keys.routes(id), "open")).isEqualTo("1");
    assertThat(h.raw.zscore(h.keys.retention(), id)).isNull();
    assertThat(store.purge(List.of(new Route(id, 0)), h.clock.instant()))
        .extracting(Change::outcome, Change::detail)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Change.Outcome.NOT_DEAD, "purged"));

    store.purge(List.of(new Route(id, 1)), h.clock.instant());
    assertThat(h.raw.hget(h.keys.routes(id), "open")).isEqualTo("0");
    assertThat(h.raw.zscore(h.keys.retention(), id))
        .isEqualTo(h.clock.instant().plus(Duration.ofHours(24)).toEpochMilli());
    assertThat(store.count(Window.ALL)).isZero();
    h.clock.advance(Duration.ofHours(24));
    assertThat(h.backend.routes().retireFinished(h.clock.instant(), 10)).isEqualTo(1);
    assertThat(h.backend.notifications().find(id)).isEmpty();
    assertThat(h.backend.stats().snapshot(h.clock.instant(), List.of()).counter("purged"))
        .isEqualTo(2);
  }

  @Test
  void the_retention_purges_the_oldest_beyond_each_cap_and_says_which() {
    Instant t0 = h.clock.instant();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ids.addAll(plant.streamDown(notification("u-" + i)));
      h.clock.advance(Duration.ofMinutes(1));
    }
    Instant now = h.clock.instant();

    assertThat(store.purgeOldest(Optional.of(20L), Optional.empty(), now, 100).total()).isZero();
    RetentionPurge byCount = store.purgeOldest(Optional.of(7L), Optional.empty(), now, 100);
    assertThat(byCount).isEqualTo(new RetentionPurge(3, 0));
    assertThat(h.raw.hget(h.keys.routes(ids.get(2)), "0")).startsWith("z|");
    assertThat(h.raw.hget(h.keys.routes(ids.get(3)), "0")).startsWith("d|");

    // Dead since before t0 + 5m: entries 3 and 4 (0..2 went already); one call of one route.
    RetentionPurge slice =
        store.purgeOldest(Optional.empty(), Optional.of(t0.plus(Duration.ofMinutes(5))), now, 1);
    assertThat(slice).isEqualTo(new RetentionPurge(0, 1));
    RetentionPurge both =
        store.purgeOldest(Optional.of(4L), Optional.of(t0.plus(Duration.ofMinutes(5))), now, 100);
    assertThat(both).isEqualTo(new RetentionPurge(1, 1));
    assertThat(store.count(Window.ALL)).isEqualTo(4);
    assertThat(h.raw.hget(h.keys.routes(ids.get(6)), "0")).startsWith("d|");
    var counters = h.backend.stats().snapshot(now, List.of()).counters();
    assertThat(counters).containsEntry("purged", 6L).containsEntry("purged_by_retention", 6L);
  }
}
