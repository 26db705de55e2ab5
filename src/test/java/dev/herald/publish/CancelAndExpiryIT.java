package dev.herald.publish;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.domain.CancelRequest;
import dev.herald.domain.Channels;
import dev.herald.domain.RouteState;
import dev.herald.store.CancelResult;
import dev.herald.store.CancelledRoutes;
import dev.herald.store.ClaimedBatch;
import dev.herald.store.CompletionReport;
import dev.herald.store.RouteOutcome;
import dev.herald.store.RouteRecord;
import dev.herald.testing.Harness;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;

/** Cancel and expiry through the stores and the publish cycle, on a real Redis. */
class CancelAndExpiryIT {

  private static final Duration WINDOW = Duration.ofHours(24);
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  private List<RouteState> states(String id) {
    return h.backend.notifications().find(id).orElseThrow().routes().stream()
        .map(RouteRecord::state)
        .toList();
  }

  private Optional<CancelResult> cancel(String id) {
    return h.backend.notifications().cancel(CancelRequest.byId(id), h.clock.instant(), WINDOW);
  }

  /** The routes a cancel reports: {@code n} on push, of the harness's notification type. */
  private static CancelledRoutes onPush(int n) {
    return new CancelledRoutes("game.turn_ready", n == 0 ? Map.of() : Map.of("push", n));
  }

  private long counter(String name) {
    String v = h.raw.hget(h.keys.stats(), name);
    return v == null ? 0 : Long.parseLong(v);
  }

  @Test
  void a_cancel_between_submit_and_due_time_prevents_publication() {
    String id =
        h.submit(notification("u-1", "u-2").sendAt(h.clock.instant().plusSeconds(60)).build())
            .get(0);

    assertThat(cancel(id)).contains(new CancelResult(id, 2, 0, onPush(2)));
    h.clock.advance(Duration.ofSeconds(120));

    assertThat(h.drain(h.cycle("w", Harness.settings(100, 5)))).isZero();
    assertThat(h.streamEntries()).isEmpty();
    assertThat(states(id)).containsOnly(RouteState.CANCELLED);
    assertThat(h.raw.zcard(h.keys.schedule())).isZero();
    assertThat(h.raw.zscore(h.keys.retention(), id)).isNotNull();
    assertThat(counter("cancelled")).isEqualTo(2);
    // Twice is harmless.
    assertThat(cancel(id)).contains(new CancelResult(id, 0, 0, onPush(0)));
    assertThat(counter("cancelled")).isEqualTo(2);
  }

  @Test
  void a_cancel_while_a_worker_holds_the_lease_refuses_its_completion_so_nothing_is_appended()
      throws Exception {
    String id = h.submit(notification("u-1", "u-2", "u-3").build()).get(0);
    ClaimedBatch batch =
        h.backend.routes().claimDue(h.clock.instant(), Duration.ofSeconds(30), "w.1", 100);
    assertThat(batch.routeCount()).isEqualTo(3);

    assertThat(cancel(id)).contains(new CancelResult(id, 3, 0, onPush(3)));

    EventEncoder encoder = new EventEncoder(h.channels);
    var n = batch.notifications().get(0).notification();
    List<RouteOutcome> outcomes = new ArrayList<>();
    for (var route : batch.notifications().get(0).routes()) {
      outcomes.add(
          new RouteOutcome.Publish(
              route, encoder.event(encoder.template(n), n, route.index()), null));
    }
    CompletionReport report = h.backend.routes().complete("w.1", h.clock.instant(), outcomes);
    assertThat(report.count(CompletionReport.Status.LEASE_LOST)).isEqualTo(3);
    assertThat(h.streamEntries()).isEmpty();
    assertThat(states(id)).containsOnly(RouteState.CANCELLED);
  }

  @Test
  void published_routes_stay_published_and_dead_letters_leave_the_dead_index() {
    h.exhaustStream(); // every append fails, charged
    String id = h.submit(notification("u-1", "u-2").build()).get(0);
    h.drain(h.cycle("w", Harness.settings(100, 1))); // one attempt each: both dead letters
    assertThat(h.raw.zcard(h.keys.deadLetters())).isEqualTo(2);
    h.raw.del(h.stream);
    // Publish the first route by hand: mark it as the scripts would.
    h.raw.hset(h.keys.routes(id), "0", "s|1|" + h.clock.millis() + "|1-0");
    h.raw.hincrBy(h.keys.routes(id), "open", -1);
    h.raw.zrem(h.keys.deadLetters(), id + ":0");

    assertThat(cancel(id)).contains(new CancelResult(id, 1, 1, onPush(1)));
    assertThat(states(id)).containsExactly(RouteState.PUBLISHED, RouteState.CANCELLED);
    assertThat(h.raw.zcard(h.keys.deadLetters())).isZero();
    assertThat(h.raw.hget(h.keys.routes(id), "open")).isEqualTo("0");
    assertThat(h.raw.zscore(h.keys.retention(), id)).isNotNull();
  }

  @Test
  void a_cancel_by_idempotency_key_finds_the_notification_and_an_unknown_one_finds_nothing() {
    String id =
        h.submit(
                notification("u-1")
                    .idempotencyKey("turn-42")
                    .sendAt(h.clock.instant().plusSeconds(5))
                    .build())
            .get(0);
    assertThat(
            h.backend
                .notifications()
                .cancel(
                    CancelRequest.byIdempotencyKey("game-engine", "turn-42"),
                    h.clock.instant(),
                    WINDOW))
        .contains(new CancelResult(id, 1, 0, onPush(1)));
    assertThat(
            h.backend
                .notifications()
                .cancel(
                    CancelRequest.byIdempotencyKey("game-engine", "turn-43"),
                    h.clock.instant(),
                    WINDOW))
        .isEmpty();
    assertThat(cancel("01NOSUCHNOTIFICATION000000")).isEmpty();
  }

  @Test
  void an_expired_route_is_never_published_and_ends_expired() {
    Instant t0 = h.clock.instant();
    String late =
        h.submit(
                notification("u-1", "u-2")
                    .sendAt(t0.plusSeconds(5))
                    .expiresAt(t0.plusSeconds(10))
                    .build())
            .get(0);
    String inTime = h.submit(notification("u-3").expiresAt(t0.plusSeconds(10)).build()).get(0);
    PublishCycle cycle = h.cycle("w", Harness.settings(100, 5));
    assertThat(h.drain(cycle)).isEqualTo(1); // u-3 is due now, before its expiry

    h.clock.advance(Duration.ofSeconds(11)); // the workers were away past the expiry
    assertThat(h.drain(cycle)).isZero();

    assertThat(h.streamFields()).extracting(f -> f.get("notification_id")).containsExactly(inTime);
    assertThat(states(late)).containsOnly(RouteState.EXPIRED);
    assertThat(states(inTime)).containsOnly(RouteState.PUBLISHED);
    assertThat(counter("expired")).isEqualTo(2);
    assertThat(h.raw.zcard(h.keys.schedule())).isZero();
    assertThat(h.raw.hget(h.keys.routes(late), "open")).isEqualTo("0");
    assertThat(h.raw.zscore(h.keys.retention(), late)).isNotNull();
    assertThat(h.backend.notifications().find(late).orElseThrow().notification().expiresAt())
        .isEqualTo(t0.plusSeconds(10));
  }

  @Test
  void a_publish_completed_after_the_expiry_is_not_appended() throws Exception {
    Instant t0 = h.clock.instant();
    String id = h.submit(notification("u-1").expiresAt(t0.plusSeconds(10)).build()).get(0);
    ClaimedBatch batch = h.backend.routes().claimDue(t0, Duration.ofSeconds(30), "w.1", 100);
    var n = batch.notifications().get(0).notification();
    var route = batch.notifications().get(0).routes().get(0);
    EventEncoder encoder = new EventEncoder(h.channels);

    CompletionReport report =
        h.backend
            .routes()
            .complete(
                "w.1",
                t0.plusSeconds(10),
                List.of(
                    new RouteOutcome.Publish(
                        route, encoder.event(encoder.template(n), n, 0), null)));

    assertThat(report.results().get(0).status()).isEqualTo(CompletionReport.Status.EXPIRED);
    assertThat(h.streamEntries()).isEmpty();
    RouteRecord r = h.backend.notifications().find(id).orElseThrow().routes().get(0);
    assertThat(r.state()).isEqualTo(RouteState.EXPIRED);
    assertThat(r.attempts()).isZero(); // no append was attempted
    assertThat(h.raw.hget(h.keys.routes(id), "L0")).as("no lease left").isNullOrEmpty();
  }

  @Test
  void a_deferral_completed_after_the_expiry_ends_the_route_expired_with_no_attempt_charged() {
    Instant t0 = h.clock.instant();
    String id = h.submit(notification("u-1").expiresAt(t0.plusSeconds(10)).build()).get(0);
    ClaimedBatch batch = h.backend.routes().claimDue(t0, Duration.ofSeconds(30), "w.1", 100);
    var route = batch.notifications().get(0).routes().get(0);

    // The breaker of its stream was open: the route is deferred, not tried, past its expiry.
    CompletionReport report =
        h.backend
            .routes()
            .complete(
                "w.1",
                t0.plusSeconds(10),
                List.of(new RouteOutcome.Defer(route, "gw", t0.plusSeconds(11))));

    assertThat(report.results().get(0).status()).isEqualTo(CompletionReport.Status.EXPIRED);
    RouteRecord r = h.backend.notifications().find(id).orElseThrow().routes().get(0);
    assertThat(r.state()).isEqualTo(RouteState.EXPIRED);
    assertThat(r.attempts()).as("a deferral is no attempt").isZero();
  }

  @Test
  void a_completion_redis_runs_after_the_expiry_is_not_appended_though_its_now_is_before_it()
      throws Exception {
    Instant t0 = h.clock.instant();
    String id = h.submit(notification("u-1").expiresAt(t0.plusMillis(300)).build()).get(0);
    ClaimedBatch batch = h.backend.routes().claimDue(t0, Duration.ofSeconds(30), "w.1", 100);
    var n = batch.notifications().get(0).notification();
    var route = batch.notifications().get(0).routes().get(0);
    EventEncoder encoder = new EventEncoder(h.channels);
    // The completion was sent at t0 + 100 ms, before the expiry, but Redis runs it only after
    // the expiry has passed (a client timeout, a pause): 400 ms of Redis's clock after the claim.
    long claimedAt = redisMillis();
    await().atMost(Duration.ofSeconds(5)).until(() -> redisMillis() >= claimedAt + 400);

    CompletionReport report =
        h.backend
            .routes()
            .complete(
                "w.1",
                t0.plusMillis(100),
                List.of(
                    new RouteOutcome.Publish(
                        route, encoder.event(encoder.template(n), n, 0), null)));

    assertThat(report.results().get(0).status()).isEqualTo(CompletionReport.Status.EXPIRED);
    assertThat(h.streamEntries()).isEmpty();
    RouteRecord r = h.backend.notifications().find(id).orElseThrow().routes().get(0);
    assertThat(r.state()).isEqualTo(RouteState.EXPIRED);
    assertThat(r.attempts()).isZero();
  }

  /** Redis's own clock (TIME), in ms. */
  private long redisMillis() {
    @SuppressWarnings("unchecked")
    List<byte[]> time = (List<byte[]>) h.raw.sendCommand(Protocol.Command.TIME);
    return Long.parseLong(new String(time.get(0), StandardCharsets.US_ASCII)) * 1000
        + Long.parseLong(new String(time.get(1), StandardCharsets.US_ASCII)) / 1000;
  }

  @Test
  void a_route_failing_past_its_expiry_ends_expired_not_dead() {
    Instant t0 = h.clock.instant();
    h.exhaustStream(); // every append fails, charged
    String failing = h.submit(notification("u-1").expiresAt(t0.plusMillis(1500)).build()).get(0);
    PublishCycle cycle = h.cycle("w", Harness.settings(100, 5));
    cycle.runOnce(); // the append fails: retry at +1s, still before the expiry
    assertThat(states(failing)).containsOnly(RouteState.FAILED);
    h.clock.advance(Duration.ofSeconds(1));
    cycle.runOnce(); // fails again: the retry (+2s) would come after the expiry
    assertThat(states(failing)).containsOnly(RouteState.FAILED);
    h.clock.advance(Duration.ofSeconds(2));
    cycle.runOnce(); // due again, but expired: never leased
    assertThat(states(failing)).containsOnly(RouteState.EXPIRED);
    assertThat(h.raw.zcard(h.keys.deadLetters())).isZero();
  }

  @Test
  void a_retry_that_would_come_after_the_expiry_ends_the_route_expired_at_once() {
    Instant t0 = h.clock.instant();
    String id = h.submit(notification("u-1").expiresAt(t0.plusMillis(500)).build()).get(0);
    List<String> expired = new ArrayList<>();
    // No channel configured: encoding fails and the worker asks for a retry after 1s.
    PublishCycle cycle =
        new PublishCycle(
            h.backend.routes(),
            new EventEncoder(new Channels(List.of())),
            () -> Harness.settings(100, 5),
            h.clock,
            new PublisherListener() {
              @Override
              public void onExpired(RouteInfo route) {
                expired.add(route.ref());
              }
            },
            "w");

    cycle.runOnce();
    assertThat(states(id)).containsOnly(RouteState.EXPIRED);
    assertThat(expired).containsExactly(id + "/push:u-1");
    assertThat(h.raw.zcard(h.keys.schedule())).isZero();
  }
}
