package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.config.ConfigLoader;
import dev.herald.daemon.Stores;
import dev.herald.domain.GatewayEvent;
import dev.herald.intake.SubmitResult;
import dev.herald.intake.SubmitResult.Outcome;
import dev.herald.publish.EventEncoder;
import dev.herald.store.ClaimedBatch;
import dev.herald.store.ClaimedNotification;
import dev.herald.store.ClaimedRoute;
import dev.herald.store.CompletionReport;
import dev.herald.store.RouteOutcome;
import dev.herald.testing.Harness;
import dev.herald.testing.Http;
import dev.herald.testing.Scrape;
import dev.herald.testing.TestRedis;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host whose own clock runs an hour ahead, next to a host on time, sharing one Redis. Keeping
 * time by its own clock, it would take over a lease an hour early and count an hour of an
 * idempotency window as gone; keeping Redis's time, it does neither.
 */
class ClockSkewIT {

  private static final Clock AN_HOUR_AHEAD = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));

  @TempDir Path dir;

  private static String notificationJson(String recipient, String key) {
    return "{\"type\":\"game.turn_ready\",\"producer\":\"game-engine\",\"idempotency_key\":\""
        + key
        + "\",\"recipients\":[\""
        + recipient
        + "\"],\"channels\":[\"push\"],\"payload\":{\"turn\":42}}";
  }

  /** A notification with an idempotency key, accepted by a host on time, within a 1h window. */
  private static String acceptOnTime(Harness h, String recipient, String key) {
    SubmitResult first =
        new dev.herald.intake.Intake(
                h.backend.notifications(),
                () -> new dev.herald.domain.NotificationValidator(h.channels.names(), 65_536),
                new dev.herald.domain.NotificationIds(),
                Clock.systemUTC(),
                () -> Duration.ofHours(1))
            .submit(List.of(Harness.notification(recipient).idempotencyKey(key).build()))
            .get(0);
    assertThat(first.outcome()).isEqualTo(Outcome.ACCEPTED);
    return first.notificationId();
  }

  private static long entriesOf(Harness h, String notificationId) {
    return h.streamFields().stream()
        .filter(f -> notificationId.equals(f.get("notification_id")))
        .count();
  }

  @Test
  void a_daemon_an_hour_ahead_takes_over_no_live_lease_and_shortens_no_idempotency_window()
      throws Exception {
    try (Harness h = Harness.realTime(TestRedis.url())) {
      // On the host on time: a worker holds a route under a 30 s lease, still working on it.
      String held = h.submit(Harness.notification("u-1").build()).get(0);
      ClaimedBatch batch =
          h.backend.routes().claimDue(Instant.now(), Duration.ofSeconds(30), "on-time.1", 10);
      assertThat(batch.routeCount()).isEqualTo(1);
      // And a producer's notification was accepted a moment ago, idempotency key turn-42.
      String first = acceptOnTime(h, "u-2", "turn-42");

      String intents = h.namespace + ":intents";
      String yaml =
          String.join(
              "\n",
              "redis:",
              "  url: " + TestRedis.heraldUrl(),
              "namespace: " + h.namespace,
              "gateway:",
              "  stream: " + h.stream,
              "publisher:",
              "  poll-interval: 100ms",
              "intake:",
              "  idempotency-window: 1h",
              "  stream: " + intents,
              "  rejected-stream: " + intents + ":rejected",
              "ops:",
              "  listen: 127.0.0.1:0",
              "");
      try (RunningDaemon ahead = RunningDaemon.start(dir, yaml, AN_HOUR_AHEAD)) {
        // The producer sends the same notification again, through the intents stream.
        h.raw.xadd(
            intents,
            redis.clients.jedis.StreamEntryID.NEW_ENTRY,
            Map.of("intent", notificationJson("u-2", "turn-42")));
        await().atMost(Duration.ofSeconds(10)).until(() -> h.raw.xlen(intents) == 0);
        assertThat(h.raw.hget(h.keys.stats(), "notifications_accepted"))
            .as("the repeat is a duplicate, not a new notification")
            .isEqualTo("2");
        await().atMost(Duration.ofSeconds(10)).until(() -> entriesOf(h, first) == 1);

        // The held route stays with its worker: no take-over while the lease lives.
        await()
            .during(Duration.ofSeconds(3))
            .atMost(Duration.ofSeconds(5))
            .until(() -> entriesOf(h, held) == 0);
        CompletionReport report =
            h.backend.routes().complete("on-time.1", Instant.now(), publishAll(h, batch));
        assertThat(report.count(CompletionReport.Status.PUBLISHED)).isEqualTo(1);
        assertThat(entriesOf(h, held)).isEqualTo(1);

        // It says that its clock is off, and by how much.
        Scrape m = Scrape.parse(Http.get(ahead.baseUrl() + "/metrics").body());
        assertThat(m.value("herald_clock_offset_seconds")).isBetween(3599.0, 3601.0);
        assertThat(m.value("herald_publish_cycles_total", "result", "failed")).isZero();
        assertThat(Http.get(ahead.baseUrl() + "/readyz").body())
            .startsWith("ready: Redis answered")
            .contains("; warning: this host's clock is 3600.")
            .contains("ahead of Redis's");
        assertThat(ahead.stop()).isZero();
      }
      assertThat(h.raw.hget(h.keys.stats(), "lease_conflicts")).isNull();
    }
  }

  @Test
  void cli_commands_an_hour_ahead_keep_redis_time_and_its_idempotency_windows() throws Exception {
    try (Harness h = Harness.realTime(TestRedis.url())) {
      String first = acceptOnTime(h, "u-3", "turn-43");
      Path file = h.writeConfig(dir, "intake:", "  idempotency-window: 1h");
      try (Stores ahead = new Stores(new ConfigLoader(Map.of()).load(file), AN_HOUR_AHEAD, 2)) {
        Instant redisNow = h.backend.serverInfo().time();
        assertThat(Duration.between(redisNow, ahead.clock().instant()).abs())
            .isLessThan(Duration.ofSeconds(1));
        assertThat(ahead.clockOffset().orElseThrow())
            .isBetween(Duration.ofMinutes(59), Duration.ofMinutes(61));
        SubmitResult again =
            ahead
                .intake()
                .submit(List.of(Harness.notification("u-3").idempotencyKey("turn-43").build()))
                .get(0);
        assertThat(again.outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(again.notificationId()).isEqualTo(first);
      }
    }
  }

  private static List<RouteOutcome> publishAll(Harness h, ClaimedBatch batch) throws Exception {
    EventEncoder encoder = new EventEncoder(h.channels);
    List<RouteOutcome> outcomes = new ArrayList<>();
    for (ClaimedNotification n : batch.notifications()) {
      var template = encoder.template(n.notification());
      for (ClaimedRoute r : n.routes()) {
        GatewayEvent event = encoder.event(template, n.notification(), r.index());
        outcomes.add(new RouteOutcome.Publish(r, event, Instant.now().plusSeconds(1)));
      }
    }
    return outcomes;
  }
}
