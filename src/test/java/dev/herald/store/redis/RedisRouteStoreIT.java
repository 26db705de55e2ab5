package dev.herald.store.redis;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.domain.GatewayEvent;
import dev.herald.domain.Notification;
import dev.herald.publish.EventEncoder;
import dev.herald.store.ClaimRequest;
import dev.herald.store.ClaimedBatch;
import dev.herald.store.ClaimedNotification;
import dev.herald.store.ClaimedRoute;
import dev.herald.store.CompletionReport;
import dev.herald.store.CompletionReport.Status;
import dev.herald.store.RouteOutcome;
import dev.herald.testing.Harness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RedisRouteStoreIT {

  private static final Duration LEASE = Duration.ofSeconds(30);
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  private ClaimedBatch claim(String token, int max) {
    return h.backend.routes().claimDue(h.clock.instant(), LEASE, token, max);
  }

  private List<String> routeRefs(ClaimedBatch batch) {
    List<String> refs = new ArrayList<>();
    for (ClaimedNotification n : batch.notifications()) {
      for (ClaimedRoute r : n.routes()) {
        refs.add(n.notificationId() + "/" + n.notification().route(r.index()));
      }
    }
    return refs;
  }

  /** Publish outcomes for everything claimed. */
  private List<RouteOutcome> publishAll(ClaimedBatch batch) throws Exception {
    EventEncoder encoder = new EventEncoder(h.channels);
    List<RouteOutcome> outcomes = new ArrayList<>();
    for (ClaimedNotification n : batch.notifications()) {
      var template = encoder.template(n.notification());
      for (ClaimedRoute r : n.routes()) {
        GatewayEvent event = encoder.event(template, n.notification(), r.index());
        outcomes.add(new RouteOutcome.Publish(r, event, h.clock.instant().plusSeconds(1)));
      }
    }
    return outcomes;
  }

  @Test
  void claims_only_routes_that_are_due() {
    String now = h.submit(notification("u-1", "u-2").build()).get(0);
    String later =
        h.submit(notification("u-3").sendAt(h.clock.instant().plusSeconds(10)).build()).get(0);

    ClaimedBatch first = claim("w1.1", 100);
    assertThat(routeRefs(first)).containsExactly(now + "/push:u-1", now + "/push:u-2");
    assertThat(first.nextDueAt()).contains(h.clock.instant().plusSeconds(10));

    h.clock.advance(Duration.ofMillis(9_999));
    assertThat(claim("w1.2", 100).routeCount()).isZero();
    h.clock.advance(Duration.ofMillis(1));
    assertThat(routeRefs(claim("w1.3", 100))).containsExactly(later + "/push:u-3");
  }

  @Test
  void a_claim_takes_no_more_than_its_batch_and_the_rest_of_the_group_follows_its_completion()
      throws Exception {
    h.submit(notification("u-1", "u-2", "u-3", "u-4", "u-5").build());
    ClaimedBatch first = claim("w1.1", 2);
    assertThat(first.routeCount()).isEqualTo(2);
    // One worker at a time works on a group: the rest waits for this batch's completion.
    assertThat(claim("w2.1", 2).routeCount()).isZero();
    h.backend.routes().complete("w1.1", h.clock.instant(), publishAll(first));

    ClaimedBatch second = claim("w2.2", 2);
    assertThat(routeRefs(second)).hasSize(2).doesNotContainAnyElementsOf(routeRefs(first));
    h.backend.routes().complete("w2.2", h.clock.instant(), publishAll(second));
    assertThat(claim("w3.1", 2).routeCount()).isEqualTo(1);
  }

  @Test
  void a_claim_stops_at_its_byte_budget_but_always_takes_one_route() {
    String payload = "{\"blob\":\"" + "x".repeat(10_000) + "\"}";
    h.submit(notification("u-1", "u-2", "u-3").payloadJson(payload).build());

    ClaimedBatch one =
        h.backend
            .routes()
            .claimDue(ClaimRequest.of(h.clock.instant(), LEASE, "w.1", 100).withMaxBytes(1));
    assertThat(one.routeCount()).as("one route, though larger than the budget").isEqualTo(1);
    assertThat(one.stoppedByBytes()).isTrue();

    h.clock.advance(LEASE.plusSeconds(1));
    ClaimedBatch two =
        h.backend
            .routes()
            .claimDue(
                ClaimRequest.of(h.clock.instant(), LEASE, "w.2", 100).withMaxBytes(2 * 10_300));
    assertThat(two.routeCount()).isEqualTo(2);
    assertThat(two.stoppedByBytes()).isTrue();

    h.clock.advance(LEASE.plusSeconds(1));
    ClaimedBatch all =
        h.backend
            .routes()
            .claimDue(ClaimRequest.of(h.clock.instant(), LEASE, "w.3", 100).withMaxBytes(1 << 20));
    assertThat(all.routeCount()).isEqualTo(3);
    assertThat(all.stoppedByBytes()).as("nothing left due").isFalse();
  }

  @Test
  void the_groups_of_a_notification_interleaved_with_another_one_are_claimed_whole() {
    String[] many = new String[130];
    for (int i = 0; i < many.length; i++) {
      many[i] = "u-" + i;
    }
    String a = h.submit(notification(many).build()).get(0);
    String b = h.submit(notification("v-1", "v-2").build()).get(0);
    long t = h.clock.instant().toEpochMilli();
    // Schedule order: a's first group, then b, then a's other groups.
    h.raw.zadd(h.keys.schedule(), t - 3, a + ":0-63");
    h.raw.zadd(h.keys.schedule(), t - 2, b + ":0-1");
    h.raw.zadd(h.keys.schedule(), t - 1, a + ":64-127");
    h.raw.zadd(h.keys.schedule(), t - 1, a + ":128-129");

    ClaimedBatch batch = claim("w.1", 1000);

    assertThat(batch.notifications())
        .extracting(ClaimedNotification::notificationId)
        .containsExactly(a, b);
    assertThat(batch.notifications().get(0).routes())
        .extracting(ClaimedRoute::index)
        .containsExactlyInAnyOrderElementsOf(
            java.util.stream.IntStream.range(0, 130).boxed().toList());
    assertThat(batch.notifications().get(1).routes())
        .extracting(ClaimedRoute::index)
        .containsExactly(0, 1);
  }

  @Test
  void a_leased_route_goes_to_another_worker_only_when_the_lease_runs_out() {
    h.submit(notification("u-1").build());
    Instant start = h.clock.instant();
    assertThat(claim("dead-worker.1", 10).routeCount()).isEqualTo(1);

    h.clock.set(start.plus(LEASE).minusMillis(1));
    assertThat(claim("other.1", 10).routeCount()).isZero();

    h.clock.set(start.plus(LEASE));
    ClaimedBatch takeover = claim("other.2", 10);
    assertThat(takeover.routeCount()).isEqualTo(1);
    ClaimedRoute route = takeover.notifications().get(0).routes().get(0);
    assertThat(route.attempts()).as("a lost lease is not a failed attempt").isZero();
    assertThat(route.dueAt()).as("keeps its original due time").isEqualTo(start);
  }

  @Test
  void a_stale_token_is_refused_and_the_route_is_appended_once() throws Exception {
    h.submit(notification("u-1").build());
    ClaimedBatch slow = claim("slow.1", 10);
    h.clock.advance(LEASE);
    ClaimedBatch fast = claim("fast.1", 10);

    CompletionReport late =
        h.backend.routes().complete("slow.1", h.clock.instant(), publishAll(slow));
    assertThat(late.results())
        .extracting(CompletionReport.RouteResult::status)
        .containsExactly(Status.LEASE_LOST);
    assertThat(h.streamEntries()).isEmpty();

    CompletionReport ok =
        h.backend.routes().complete("fast.1", h.clock.instant(), publishAll(fast));
    assertThat(ok.results())
        .extracting(CompletionReport.RouteResult::status)
        .containsExactly(Status.PUBLISHED);

    CompletionReport twice =
        h.backend.routes().complete("fast.1", h.clock.instant(), publishAll(fast));
    assertThat(twice.results())
        .extracting(CompletionReport.RouteResult::status)
        .containsExactly(Status.LEASE_LOST);
    assertThat(h.streamEntries()).hasSize(1);
    assertThat(h.raw.hget(h.keys.stats(), "lease_conflicts")).isEqualTo("2");
  }

  @Test
  void a_run_of_routes_across_two_groups_publishes_only_those_whose_lease_is_still_ours()
      throws Exception {
    // 100 routes: groups 0-63 and 64-99, completed as one run of consecutive publishes.
    String id = h.submit(notification(Harness.recipients("u-", 100)).build()).get(0);
    ClaimedBatch batch = claim("a.1", 100);
    assertThat(batch.routeCount()).isEqualTo(100);
    long until = h.clock.instant().plus(LEASE).toEpochMilli();
    long now = h.clock.instant().toEpochMilli();
    // The second group's lease is another worker's now (as after a take-over).
    h.raw.hset(h.keys.routes(id), "L64", "b.1|" + until + "|" + now + "|99|-1");

    CompletionReport report =
        h.backend.routes().complete("a.1", h.clock.instant(), publishAll(batch));

    List<Status> statuses =
        report.results().stream().map(CompletionReport.RouteResult::status).toList();
    assertThat(statuses.subList(0, 64)).containsOnly(Status.PUBLISHED);
    assertThat(statuses.subList(64, 100)).containsOnly(Status.LEASE_LOST);
    assertThat(h.streamEntries()).hasSize(64);
    assertThat(h.raw.hget(h.keys.routes(id), "63")).startsWith("s|1|");
    assertThat(h.raw.hget(h.keys.routes(id), "64"))
        .as("untouched still: no field of its own, pending (lib/states.lua)")
        .isNull();
    assertThat(h.raw.hget(h.keys.routes(id), "L64")).startsWith("b.1|");
    assertThat(h.raw.hget(h.keys.routes(id), "open")).isEqualTo("36");
    assertThat(h.raw.hget(h.keys.stats(), "lease_conflicts")).isEqualTo("36");
    assertThat(h.raw.zrange(h.keys.schedule(), 0, -1))
        .as("the released group leaves the schedule, the other's lease keeps its entry")
        .containsExactly(id + ":64-99");
  }

  @Test
  void a_late_completion_is_accepted_while_nobody_else_took_the_route() throws Exception {
    h.submit(notification("u-1").build());
    ClaimedBatch batch = claim("slow.1", 10);
    h.clock.advance(LEASE.plusSeconds(5));
    CompletionReport report =
        h.backend.routes().complete("slow.1", h.clock.instant(), publishAll(batch));
    assertThat(report.results())
        .extracting(CompletionReport.RouteResult::status)
        .containsExactly(Status.PUBLISHED);
    assertThat(claim("other.1", 10).routeCount()).isZero();
    assertThat(h.raw.zcard(h.keys.schedule())).isZero();
  }

  @Test
  void the_stream_stays_near_its_max_length() throws Exception {
    try (Harness small =
        new Harness(
            dev.herald.testing.TestRedis.url(),
            dev.herald.testing.RedisTestSupport.RETENTION,
            100)) {
      for (int i = 0; i < 20; i++) {
        String[] recipients = new String[50];
        for (int r = 0; r < 50; r++) {
          recipients[r] = "u-" + i + "-" + r;
        }
        small.submit(notification(recipients).build());
      }
      int published = small.drain(small.cycle("w", Harness.settings(500, 5)));
      assertThat(published).isEqualTo(1000);
      // MAXLEN ~ trims whole stream nodes (100 entries by default), so the length stays
      // between the bound and about one node above it.
      assertThat(small.raw.xlen(small.stream)).isBetween(100L, 200L);
    }
  }

  @Test
  void finished_notifications_are_deleted_once_their_retention_runs_out() {
    h.submit(notification("u-1", "u-2").build());
    h.drain(h.cycle("w", Harness.settings(100, 5)));
    String id = h.raw.zrange(h.keys.retention(), 0, -1).get(0);
    assertThat(h.raw.exists(h.keys.notification(id))).isTrue();

    h.clock.advance(dev.herald.testing.RedisTestSupport.RETENTION.published().minusMillis(1));
    assertThat(h.backend.routes().retireFinished(h.clock.instant(), 100)).isZero();
    h.clock.advance(Duration.ofMillis(1));
    assertThat(h.backend.routes().retireFinished(h.clock.instant(), 100)).isEqualTo(1);
    assertThat(h.raw.exists(h.keys.notification(id))).isFalse();
    assertThat(h.raw.exists(h.keys.routes(id))).isFalse();
    assertThat(h.raw.zcard(h.keys.retention())).isZero();
  }

  @Test
  void unreadable_schedule_entries_are_set_aside_and_the_claim_goes_on() {
    Notification ok = notification("u-1").build().toNotification("OK", h.clock.instant());
    h.backend.notifications().accept(List.of(ok), h.clock.instant(), Duration.ZERO);
    long due = h.clock.instant().toEpochMilli();
    h.raw.zadd(h.keys.schedule(), due, "no-range-here");
    h.raw.zadd(h.keys.schedule(), due, "GONE:0-3");
    h.raw.set(h.keys.routes("WRONGTYPE"), "a string");
    h.raw.zadd(h.keys.schedule(), due, "WRONGTYPE:0-0");

    ClaimedBatch batch = claim("w.1", 100);

    assertThat(routeRefs(batch)).containsExactly("OK/push:u-1");
    assertThat(batch.quarantined())
        .anySatisfy(q -> assertThat(q).startsWith("no-range-here\tunreadable schedule member"))
        .anySatisfy(q -> assertThat(q).startsWith("GONE:0-3\tno route states at"))
        .anySatisfy(
            q -> assertThat(q).startsWith("WRONGTYPE:0-0\troute states unreadable: WRONGTYPE"))
        .hasSize(3);
    assertThat(h.raw.hkeys(h.keys.quarantine())).hasSize(3);
    assertThat(h.raw.hget(h.keys.stats(), "quarantined")).isEqualTo("3");
    assertThat(h.raw.zcard(h.keys.schedule())).as("only the good one, now leased").isEqualTo(1);
  }
}
