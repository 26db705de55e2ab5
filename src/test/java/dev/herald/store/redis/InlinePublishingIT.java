package dev.herald.store.redis;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.domain.Channel;
import dev.herald.domain.FailureKind;
import dev.herald.domain.Notification;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.RouteState;
import dev.herald.publish.EventEncoder;
import dev.herald.publish.PublishCycle;
import dev.herald.publish.PublisherListener;
import dev.herald.publish.PublisherSetup;
import dev.herald.publish.SinkBreaker;
import dev.herald.store.ClaimRequest;
import dev.herald.store.ClaimedBatch;
import dev.herald.store.ClaimedRoute;
import dev.herald.store.CompletionReport;
import dev.herald.store.PublishedRoute;
import dev.herald.store.RouteOutcome;
import dev.herald.store.RouteRecord;
import dev.herald.store.StoreUnavailableException;
import dev.herald.testing.Harness;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.RedisTestSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Inline publishing: a claim publishes the due routes of the channels it is given itself, and
 * leases every route it cannot publish so (the normal path then judges it by today's rules).
 */
class InlinePublishingIT {

  private static final Duration LEASE = Duration.ofSeconds(30);
  private final Harness h = new Harness();
  private final List<Channel> inline = List.copyOf(h.channels.all());

  @AfterEach
  void close() {
    h.close();
  }

  private ClaimedBatch claimInline(Harness on, String token) {
    return on.backend
        .routes()
        .claimDue(
            ClaimRequest.of(on.clock.instant(), LEASE, token, 100)
                .withInline(List.copyOf(on.channels.all())));
  }

  /** Accepts one notification due now on {@code channels}; returns its id. */
  private String acceptNow(List<String> recipients, List<String> channels) {
    Instant now = h.clock.instant();
    String id = new NotificationIds().next(now);
    h.backend
        .notifications()
        .accept(
            List.of(
                new Notification(
                    id,
                    "game.turn_ready",
                    "game-engine",
                    null,
                    recipients,
                    channels,
                    "{\"turn\":42}",
                    null,
                    null,
                    now,
                    null,
                    now,
                    null)),
            now,
            Duration.ofHours(1));
    return id;
  }

  /** A claim of up to 100 routes at {@code now} that may publish inline to {@code channels}. */
  private ClaimedBatch claimWith(Instant now, List<Channel> channels) {
    return h.backend
        .routes()
        .claimDue(
            ClaimRequest.of(now, LEASE, "w.1", 100).withMaxBytes(1 << 20).withInline(channels));
  }

  private List<RouteRecord> routes(String id) {
    return h.backend.notifications().find(id).orElseThrow().routes();
  }

  @Test
  void a_claim_publishes_the_due_routes_of_its_inline_channels_with_no_lease_left() {
    String id = h.submit(notification("u-1", "u-2").build()).get(0);
    Instant now = h.clock.instant();

    ClaimedBatch batch = claimInline(h, "w.1");

    assertThat(batch.routeCount()).as("nothing leased").isZero();
    assertThat(batch.published())
        .extracting(p -> p.route().index(), PublishedRoute::stream)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0, h.stream),
            org.assertj.core.groups.Tuple.tuple(1, h.stream));
    assertThat(batch.published().get(0).route().notification().id()).isEqualTo(id);
    List<String> entries = h.streamEntries().stream().map(e -> e.getID().toString()).toList();
    assertThat(h.backend.notifications().find(id).orElseThrow().routes())
        .extracting(RouteRecord::entryId)
        .as("the entry ids are in the route states, not in the claim's reply")
        .isEqualTo(entries);
    assertThat(h.raw.hget(h.keys.routes(id), "P0"))
        .as("one packed field for the group (stored format 4)")
        .isEqualTo("0|1|" + now.toEpochMilli() + "|" + String.join(",", entries));
    assertThat(h.raw.hget(h.keys.routes(id), "0")).isNull();
    assertThat(h.raw.hkeys(h.keys.routes(id))).noneMatch(f -> f.startsWith("L"));
    assertThat(h.raw.hget(h.keys.routes(id), "open")).isEqualTo("0");
    assertThat(h.raw.zcard(h.keys.schedule())).isZero();
    assertThat(h.raw.zscore(h.keys.retention(), id)).isNotNull();
    assertThat(h.raw.hget(h.keys.stats(), "published")).isEqualTo("2");
    assertThat(h.raw.hget(h.keys.typeFigures(), "published:game.turn_ready")).isEqualTo("2");
    assertThat(h.raw.hget(h.keys.typeFigures(), "pending:game.turn_ready")).isEqualTo("0");
    assertThat(claimInline(h, "w.2").takenCount()).as("nothing left").isZero();
  }

  @Test
  void a_format_1_record_stored_by_the_earlier_version_is_published_inline_as_a_format_2_one() {
    Instant now = h.clock.instant();
    Notification earlier =
        new Notification(
            "01M8RG0TK1YSCDCZJN1TN6H001",
            "game.turn_ready",
            "game-engine",
            null,
            List.of("u-1"),
            List.of("push"),
            "{\"turn\":42}",
            "req-1",
            "trace-1",
            now,
            null,
            now,
            null);
    FormatOne.accept(h.raw, h.keys, List.of(earlier), now, Duration.ofHours(24));
    Notification newer =
        new Notification(
            "01M8RG0TK1YSCDCZJN1TN6H002",
            "game.turn_ready",
            "game-engine",
            null,
            List.of("u-1"),
            List.of("push"),
            "{\"turn\":42}",
            "req-1",
            "trace-1",
            now,
            null,
            now,
            null);
    h.backend.notifications().accept(List.of(newer), now, Duration.ofHours(24));
    assertThat(h.raw.get(h.keys.notification(newer.id()))).startsWith("{\"v\":2,");

    ClaimedBatch batch = claimInline(h, "w.1");

    assertThat(batch.routeCount()).as("nothing leased").isZero();
    assertThat(batch.published()).hasSize(2);
    var entries = h.streamEntries();
    assertThat(entries).hasSize(2);
    for (var entry : entries) {
      String id = entry.getFields().get("notification_id");
      assertThat(entry.getFields())
          .isEqualTo(
              java.util.Map.of(
                  "event_id", id + "/push:u-1",
                  "user_id", "u-1",
                  "route_id", "push:u-1",
                  "event_type", "game.turn_ready",
                  "payload_bytes", "{\"turn\":42}",
                  "notification_id", id,
                  "request_id", "req-1",
                  "trace_id", "trace-1"));
    }
    assertThat(entries)
        .extracting(e -> e.getFields().get("notification_id"))
        .containsExactlyInAnyOrder(earlier.id(), newer.id());
  }

  @Test
  void a_lease_that_ran_out_goes_with_its_routes_so_its_holder_s_late_completion_appends_nothing()
      throws Exception {
    h.submit(notification("u-1").build());
    ClaimedBatch old =
        h.backend
            .routes()
            .claimDue(
                ClaimRequest.of(h.clock.instant(), LEASE, "old.1", 100).withMaxBytes(1 << 20));
    h.clock.advance(LEASE.plusSeconds(1)); // the old holder froze past its lease

    assertThat(claimInline(h, "w.1").published()).hasSize(1);

    ClaimedRoute route = old.notifications().get(0).routes().get(0);
    EventEncoder encoder = new EventEncoder(h.channels);
    var n = route.notification();
    CompletionReport late =
        h.backend
            .routes()
            .complete(
                "old.1",
                h.clock.instant(),
                List.of(
                    new RouteOutcome.Publish(
                        route,
                        encoder.event(encoder.template(n), n, 0),
                        h.clock.instant().plusSeconds(1))));
    assertThat(late.results().get(0).status()).isEqualTo(CompletionReport.Status.LEASE_LOST);
    assertThat(h.streamEntries()).as("appended once").hasSize(1);
  }

  @Test
  void a_cycle_tells_the_listener_of_each_route_published_inline_as_of_a_completed_publish() {
    String id = h.submit(notification("u-1", "u-2", "u-3").build()).get(0);
    h.clock.advance(Duration.ofSeconds(5)); // due 5 s ago
    List<String> told = new java.util.ArrayList<>();
    PublishCycle cycle =
        h.cycle(
            "w",
            Harness.settings(2, 5),
            new PublisherListener() {
              @Override
              public void onPublished(dev.herald.publish.RouteInfo route, Duration lag) {
                told.add(
                    route.notificationId()
                        + "/"
                        + route.routeId()
                        + " #"
                        + route.index()
                        + " "
                        + route.type()
                        + " attempt "
                        + route.attempt()
                        + " lag "
                        + lag.toSeconds());
              }
            });

    PublishCycle.Result first = cycle.runOnce();
    assertThat(first.claimed()).isEqualTo(2);
    assertThat(first.wasFull()).as("a full batch: the loop goes again at once").isTrue();
    assertThat(cycle.runOnce().claimed()).isEqualTo(1);

    assertThat(told)
        .containsExactly(
            id + "/push:u-1 #0 game.turn_ready attempt 1 lag 5",
            id + "/push:u-2 #1 game.turn_ready attempt 1 lag 5",
            id + "/push:u-3 #2 game.turn_ready attempt 1 lag 5");
    assertThat(h.streamEntries()).hasSize(3);
  }

  @Test
  void with_inline_publishing_off_a_cycle_leases_every_route_and_completes_it() {
    String id = h.submit(notification("u-1", "u-2").build()).get(0);
    List<String> leased = new java.util.ArrayList<>();
    PublishCycle cycle =
        h.cycle(
            "w",
            Harness.leasing(Harness.settings(10, 5)),
            new PublisherListener() {
              @Override
              public void onClaimed(int routes, Duration took) {
                leased.add(h.raw.hget(h.keys.routes(id), "L0"));
              }
            });

    assertThat(cycle.runOnce().claimed()).isEqualTo(2);

    assertThat(leased).singleElement().asString().as("the claim left a lease").startsWith("w.");
    assertThat(h.streamEntries()).hasSize(2);
    assertThat(h.raw.hget(h.keys.routes(id), "L0")).as("the completion released it").isEmpty();
  }

  @Test
  void a_channel_left_out_of_the_inline_set_is_leased_as_before() {
    h.submit(notification("u-1").build());
    ClaimedBatch batch =
        h.backend
            .routes()
            .claimDue(ClaimRequest.of(h.clock.instant(), LEASE, "w.1", 100).withMaxBytes(1 << 20));
    assertThat(batch.routeCount()).isEqualTo(1);
    assertThat(batch.published()).isEmpty();
    assertThat(h.streamEntries()).isEmpty();
  }

  @Test
  void an_open_breaker_keeps_its_channel_out_of_the_inline_set_and_its_routes_wait_uncharged() {
    String id = h.submit(notification("u-1").build()).get(0);
    SinkBreaker breaker = new SinkBreaker(h.clock);
    breaker.onRefused(h.stream, "WRONGTYPE a test");
    PublishCycle cycle =
        new PublishCycle(
            new PublisherSetup(
                h.backend.routes(),
                new EventEncoder(h.channels),
                () -> Harness.settings(10, 5),
                () -> Duration.ofSeconds(1),
                h.clock,
                PublisherListener.NONE),
            breaker,
            "w");

    PublishCycle.Result result = cycle.runOnce();

    assertThat(result.onlyDeferred()).as("leased, then deferred by the breaker").isTrue();
    assertThat(h.streamEntries()).isEmpty();
    assertThat(routes(id).get(0).state()).isEqualTo(RouteState.PENDING);
    assertThat(routes(id).get(0).attempts()).isZero();
  }

  @Test
  void a_stream_that_refuses_the_append_gets_its_route_leased_uncharged_then_today_s_rules_apply()
      throws Exception {
    String id = h.submit(notification("u-1", "u-2").build()).get(0);
    h.raw.set(h.stream, "not a stream"); // every XADD: WRONGTYPE

    ClaimedBatch batch = claimInline(h, "w.1");

    assertThat(batch.published()).isEmpty();
    assertThat(batch.routeCount()).as("both leased for the normal path").isEqualTo(2);
    assertThat(batch.notifications().get(0).routes())
        .allSatisfy(r -> assertThat(r.attempts()).isZero());
    assertThat(h.raw.get(h.stream)).isEqualTo("not a stream");
    assertThat(h.raw.hget(h.keys.stats(), "published")).isNull();

    // The completion's rules: a stream's own refusal is not charged, the route waits again.
    EventEncoder encoder = new EventEncoder(h.channels);
    List<RouteOutcome> outcomes = new java.util.ArrayList<>();
    for (ClaimedRoute r : batch.notifications().get(0).routes()) {
      var n = r.notification();
      outcomes.add(
          new RouteOutcome.Publish(
              r, encoder.event(encoder.template(n), n, r.index()), h.clock.instant()));
    }
    CompletionReport report = h.backend.routes().complete("w.1", h.clock.instant(), outcomes);
    assertThat(report.results())
        .allSatisfy(r -> assertThat(r.status()).isEqualTo(CompletionReport.Status.REFUSED));
    assertThat(routes(id))
        .allSatisfy(
            r -> {
              assertThat(r.state()).isEqualTo(RouteState.PENDING);
              assertThat(r.attempts()).isZero();
            });
  }

  @Test
  void a_refused_append_stops_inline_publishing_to_that_stream_only() {
    // Two channels: the second's stream refuses appends, the first's takes them.
    Channel good = h.channels.all().iterator().next();
    Channel bad = new Channel("email", h.stream + ":refusing", 1000);
    h.raw.set(h.keys.stream(bad.stream()), "not a stream");
    Instant now = h.clock.instant();
    String id = acceptNow(List.of("u-1", "u-2"), List.of("push", "email"));

    ClaimedBatch batch = claimWith(now, List.of(good, bad));

    assertThat(batch.published()).extracting(p -> p.route().index()).containsExactly(0, 1);
    assertThat(batch.notifications().get(0).routes())
        .extracting(ClaimedRoute::index)
        .containsExactly(2, 3);
    assertThat(h.streamEntries()).hasSize(2);
    assertThat(h.raw.hget(h.keys.routes(id), "L0")).startsWith("w.1|");
    assertThat(h.raw.hget(h.keys.routes(id), "open")).isEqualTo("2");
    assertThat(h.raw.zscore(h.keys.schedule(), id + ":0-3"))
        .as("at the lease's end")
        .isEqualTo((double) now.plus(LEASE).toEpochMilli());
  }

  @Test
  void
      a_refusal_part_way_through_a_group_leaves_the_rest_to_the_general_loop_and_later_groups_go_on() {
    // 30 recipients on three channels: routes 0-29 push, 30-59 email (refusing), 60-89 sms; two
    // groups, 0-63 and 64-89. The claim's short path publishes 0-29 and stops at 30; the general
    // loop then takes the first group afresh and leases 30-63 (a run of routes in one state goes on
    // the way it began, the sms ones of the group too, as before the short path); the second group,
    // in the route hash the first wrote, all sms, goes on the short path again.
    Channel push = h.channels.all().iterator().next();
    Channel email = new Channel("email", h.stream + ":refusing", 1000);
    Channel sms = new Channel("sms", h.stream + ":sms", 1000);
    h.raw.set(h.keys.stream(email.stream()), "not a stream");
    Instant now = h.clock.instant();
    List<String> recipients = new ArrayList<>();
    for (int r = 1; r <= 30; r++) {
      recipients.add("u-" + r);
    }
    String id = acceptNow(recipients, List.of("push", "email", "sms"));

    ClaimedBatch batch = claimWith(now, List.of(push, email, sms));

    List<Integer> published = new ArrayList<>();
    for (int i = 0; i < 90; i++) {
      if (i < 30 || i >= 64) {
        published.add(i);
      }
    }
    assertThat(batch.published())
        .extracting(p -> p.route().index())
        .containsExactlyInAnyOrderElementsOf(published);
    assertThat(batch.notifications()).hasSize(1);
    assertThat(batch.notifications().get(0).routes())
        .extracting(ClaimedRoute::index)
        .containsExactlyElementsOf(java.util.stream.IntStream.range(30, 64).boxed().toList());
    assertThat(h.raw.xlen(h.keys.stream(push.stream()))).isEqualTo(30);
    assertThat(h.raw.xlen(h.keys.stream(sms.stream()))).isEqualTo(26);
    assertThat(h.raw.hget(h.keys.routes(id), "L0")).startsWith("w.1|");
    assertThat(h.raw.hget(h.keys.routes(id), "L64")).as("the second group: no lease").isNull();
    assertThat(h.raw.hget(h.keys.routes(id), "open")).isEqualTo("34");
    assertThat(routes(id))
        .extracting(RouteRecord::state)
        .as("each route published once or leased, as the claim said")
        .containsExactlyElementsOf(
            java.util.stream.IntStream.range(0, 90)
                .mapToObj(i -> i >= 30 && i < 64 ? RouteState.LEASED : RouteState.PUBLISHED)
                .toList());
    assertThat(h.raw.zscore(h.keys.schedule(), id + ":64-89")).as("published whole").isNull();
    assertThat(h.raw.zscore(h.keys.schedule(), id + ":0-63"))
        .as("at the lease's end")
        .isEqualTo((double) now.plus(LEASE).toEpochMilli());
  }

  @Test
  void a_server_that_refuses_writes_leaves_the_claim_with_nothing_written() {
    try (RedisServerProcess redis = RedisServerProcess.start("--maxmemory-policy", "noeviction");
        Harness small = new Harness(redis.url(), RedisTestSupport.RETENTION, 1000)) {
      String id = small.submit(notification("u-1", "u-2").build()).get(0);
      String before = small.raw.hget(small.keys.routes(id), "0");
      small.raw.configSet("maxmemory", "1");

      assertThatThrownBy(() -> claimInline(small, "w.1"))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("OOM");

      small.raw.configSet("maxmemory", "0");
      assertThat(small.raw.exists(small.stream)).as("nothing appended").isFalse();
      assertThat(small.raw.hget(small.keys.routes(id), "0")).isEqualTo(before);
      assertThat(small.raw.hkeys(small.keys.routes(id))).noneMatch(f -> f.startsWith("L"));
      assertThat(claimInline(small, "w.2").published()).hasSize(2);
    }
  }

  @Test
  void a_route_is_never_appended_once_redis_s_clock_reached_its_expiry() {
    // Herald's clock stands still; Redis's moves on: the claim judges expiry by the later.
    claimInline(h, "w.0"); // measures the clocks' offset
    Instant start = Instant.now();
    Instant expiresAt = h.clock.instant().plusMillis(20);
    String id = h.submit(notification("u-1").expiresAt(expiresAt).build()).get(0);
    await()
        .pollDelay(Duration.ofMillis(40))
        .until(() -> Duration.between(start, Instant.now()).toMillis() >= 40);

    ClaimedBatch batch = claimInline(h, "w.1");

    assertThat(batch.published()).isEmpty();
    assertThat(batch.routeCount()).as("leased: the completion ends it expired").isEqualTo(1);
    assertThat(h.streamEntries()).isEmpty();
    ClaimedRoute route = batch.notifications().get(0).routes().get(0);
    h.clock.advance(Duration.ofMillis(20)); // Herald's clock catches up
    Instant later = h.clock.instant();
    CompletionReport report =
        h.backend
            .routes()
            .complete(
                "w.1",
                later,
                List.of(new RouteOutcome.Defer(route, h.stream, later.plusSeconds(1))));
    assertThat(report.results().get(0).status()).isEqualTo(CompletionReport.Status.EXPIRED);
    assertThat(routes(id).get(0).state()).isEqualTo(RouteState.EXPIRED);
  }

  @Test
  void an_expired_notification_s_due_group_ends_expired_and_is_never_appended() {
    String id =
        h.submit(notification("u-1").expiresAt(h.clock.instant().plusSeconds(5)).build()).get(0);
    h.clock.advance(Duration.ofSeconds(5));

    ClaimedBatch batch = claimInline(h, "w.1");

    assertThat(batch.takenCount()).isZero();
    assertThat(h.streamEntries()).isEmpty();
    assertThat(routes(id).get(0).state()).isEqualTo(RouteState.EXPIRED);
  }

  @Test
  void a_paused_channel_is_neither_published_nor_leased() {
    String id = h.submit(notification("u-1").build()).get(0);
    h.raw.hset(h.keys.channelControls(), "paused:push", "1|test");

    ClaimedBatch batch = claimInline(h, "w.1");

    assertThat(batch.takenCount()).isZero();
    assertThat(h.streamEntries()).isEmpty();
    assertThat(routes(id).get(0).state()).isEqualTo(RouteState.PENDING);
    h.raw.hdel(h.keys.channelControls(), "paused:push");
    h.clock.advance(Duration.ofSeconds(1));
    assertThat(claimInline(h, "w.2").published()).hasSize(1);
  }

  @Test
  void a_rate_limited_channel_publishes_inline_only_with_a_token_each() {
    h.submit(notification(Harness.recipients("u-", 5)).build());
    h.raw.hset(h.keys.channelControls(), "rate:push", "2");

    ClaimedBatch batch = claimInline(h, "w.1");

    assertThat(batch.published()).hasSize(2);
    assertThat(batch.routeCount()).isZero();
    assertThat(h.streamEntries()).hasSize(2);
    assertThat(h.raw.hget(h.keys.channelBuckets(), "push")).startsWith("0.000|");
  }

  @Test
  void an_unreadable_record_is_leased_and_dead_lettered_as_before() {
    String id = h.submit(notification("u-1").build()).get(0);
    // With its route hash (StoredFormatsIT: without one, it is quarantined).
    h.writeRouteHash(id);
    h.raw.set(h.keys.notification(id), "{not json");

    PublishCycle.Result result = h.cycle("w", Harness.settings(10, 5)).runOnce();

    assertThat(result.claimed()).isEqualTo(1);
    assertThat(h.streamEntries()).isEmpty();
    assertThat(h.raw.hget(h.keys.routes(id), "0")).startsWith("d|1|");
    assertThat(h.raw.hget(h.keys.failures(id), "0"))
        .contains(FailureKind.CORRUPT_RECORD.wireName());
  }

  @Test
  void an_empty_payload_is_leased_and_charged_as_before() {
    String id = h.submit(notification("u-1").build()).get(0);
    String record = h.raw.get(h.keys.notification(id));
    h.raw.set(h.keys.notification(id), record.replace("\"b\":\"{\\\"turn\\\":42}\"", "\"b\":\"\""));
    assertThat(h.raw.get(h.keys.notification(id))).contains("\"b\":\"\"");

    h.cycle("w", Harness.settings(10, 5)).runOnce();

    assertThat(h.streamEntries()).isEmpty();
    String state = h.raw.hget(h.keys.routes(id), "0");
    assertThat(state).as("charged: a retry of attempt 1").startsWith("f|1|");
    assertThat(h.raw.hget(h.keys.failures(id), "0"))
        .contains(FailureKind.PAYLOAD_ENCODING_FAILED.wireName());
  }
}
