package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.domain.NotificationRequest;
import dev.herald.domain.RouteId;
import dev.herald.intake.Intake;
import dev.herald.intake.SubmitResult;
import dev.herald.intake.SubmitResult.Outcome;
import dev.herald.publish.RouteInfo;
import dev.herald.testing.Harness;
import dev.herald.testing.Http;
import dev.herald.testing.Scrape;
import dev.herald.testing.TestRedis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.StreamEntryID;

/**
 * A small run of the daemon, then one scrape of {@code /metrics} over HTTP, parsed: every metric
 * the README lists is there, with the values the run must have given.
 */
class MetricsIT {

  @TempDir Path dir;

  @Test
  void after_a_small_run_metrics_exposes_each_metric_with_the_values_of_the_run() throws Exception {
    try (Harness h = Harness.realTime(TestRedis.url())) {
      String email = h.namespace + ":email";
      h.exhaust(email); // every email append fails with an error Herald cannot explain: charged
      String intents = h.namespace + ":intents";
      String yaml =
          String.join(
              "\n",
              "redis:",
              "  url: " + TestRedis.heraldUrl(),
              "namespace: " + h.namespace,
              "intake:",
              "  stream: " + intents,
              "  rejected-stream: " + intents + ":rejected",
              "channels:",
              "  push:",
              "    stream: " + h.stream,
              "    max-length: 1000",
              "  email:",
              "    stream: " + email,
              "    max-length: 1000",
              "    rate-limit: 1000000", // high enough to hold nothing back
              "publisher:",
              "  workers: 2",
              "  batch-size: 10",
              "  poll-interval: 100ms",
              "backoff:",
              "  initial: 100ms",
              "  max: 100ms",
              "  jitter: none",
              "delivery:",
              "  max-attempts: 2",
              "api:",
              "  listen: \'off\'",
              "console:",
              "  listen: 'off'",
              "ops:",
              "  listen: 127.0.0.1:0",
              "");
      try (RunningDaemon d = RunningDaemon.start(dir, yaml)) {
        // The HTTP API's intake: the daemon's parts, its metrics.
        Intake intake = d.intake(h.backend.notifications());
        List<SubmitResult> results =
            intake.submit(
                List.of(
                    Harness.notification("u-1", "u-2").idempotencyKey("k-1").build(),
                    Harness.notification("u-3", "u-4").build(),
                    Harness.notification("u-5", "u-6").build(),
                    NotificationRequest.builder()
                        .type("chat.message")
                        .producer("chat")
                        .recipients("u-9")
                        .channels("push", "email")
                        .build(),
                    Harness.notification("u-1", "u-2").idempotencyKey("k-1").build(),
                    Harness.notification().build(),
                    Harness.notification("u-7", "u-8")
                        .sendAt(Instant.now().plusSeconds(3600))
                        .build()));
        assertThat(results)
            .extracting(SubmitResult::outcome)
            .containsExactly(
                Outcome.ACCEPTED,
                Outcome.ACCEPTED,
                Outcome.ACCEPTED,
                Outcome.ACCEPTED,
                Outcome.DUPLICATE,
                Outcome.REJECTED,
                Outcome.ACCEPTED);
        // A producer cancels the last one, due in an hour, through the intents stream.
        h.raw.xadd(
            intents,
            StreamEntryID.NEW_ENTRY,
            Map.of("intent", "{\"cancel\":\"" + results.get(6).notificationId() + "\"}"));
        // Producers' typos: each names a field of its own, and each is counted as other.
        for (int i = 0; i < 40; i++) {
          h.raw.xadd(
              intents,
              StreamEntryID.NEW_ENTRY,
              Map.of("intent", "{\"typo" + i + "\":1,\"type\":\"t\"}"));
        }
        h.raw.zadd(h.keys.schedule(), 0, "not-a-group"); // set aside as unreadable: corrupt
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    h.raw.xlen(h.stream) == 7
                        && h.raw.xlen(intents) == 0
                        && h.raw.zcard(h.keys.deadLetters()) == 1
                        && h.raw.zcard(h.keys.schedule()) == 0);
        // Expiry and purges have runs of their own (CancelAndExpiryIT, DeadLetterRetentionIT);
        // here their events are told the metrics as the publisher and the janitor tell them.
        RouteInfo route = new RouteInfo("n-1", 0, new RouteId("push", "u-1"), "game.turn_ready", 1);
        d.ops().publisherListener().onExpired(route);
        d.ops().publisherListener().onDeadLettersPurged(3, "max-count");

        Http.Answer answer = Http.get(d.baseUrl() + "/metrics");
        assertThat(answer.status()).isEqualTo(200);
        Scrape m = Scrape.parse(answer.body());
        System.err.println("[herald tests] /metrics after a small run:\n" + heraldLines(answer));

        String push = "push";
        String turn = "game.turn_ready";
        assertThat(m.value("herald_routes_published_total", "channel", push, "type", turn))
            .isEqualTo(6);
        assertThat(
                m.value("herald_routes_published_total", "channel", push, "type", "chat.message"))
            .isEqualTo(1);
        assertThat(
                m.value("herald_routes_retried_total", "channel", "email", "type", "chat.message"))
            .isEqualTo(1);
        assertThat(
                m.value(
                    "herald_routes_dead_lettered_total",
                    "channel",
                    "email",
                    "type",
                    "chat.message"))
            .isEqualTo(1);
        assertThat(m.value("herald_routes_dead_lettered_total", "channel", push, "type", turn))
            .isZero();
        assertThat(m.value("herald_routes_expired_total", "channel", push, "type", turn))
            .isEqualTo(1);
        assertThat(m.value("herald_routes_cancelled_total", "channel", push, "type", turn))
            .isEqualTo(2);
        assertThat(
                m.value(
                    "herald_publish_attempts_total",
                    "outcome",
                    "published",
                    "classification",
                    "none"))
            .isEqualTo(7);
        assertThat(
                m.value(
                    "herald_publish_attempts_total",
                    "outcome",
                    "retry",
                    "classification",
                    "gateway_stream_publish_failed"))
            .isEqualTo(1);
        assertThat(
                m.value(
                    "herald_publish_attempts_total",
                    "outcome",
                    "dead_letter",
                    "classification",
                    "gateway_stream_publish_failed"))
            .isEqualTo(1);
        assertThat(m.value("herald_lease_conflicts_total")).isZero();
        assertThat(m.value("herald_corrupt_records_total")).isEqualTo(1);
        assertThat(m.value("herald_dead_letters_purged_total", "reason", "max-count")).isEqualTo(3);
        // 6 + 2 routes claimed once, the email route a second time.
        assertThat(m.value("herald_batch_size_routes_sum")).isEqualTo(9);
        assertThat(m.value("herald_batch_size_routes_count")).isBetween(2.0, 9.0);
        assertThat(m.value("herald_batch_duration_seconds_count"))
            .isEqualTo(m.value("herald_batch_size_routes_count"));
        assertThat(m.value("herald_claim_duration_seconds_count"))
            .isGreaterThanOrEqualTo(m.value("herald_batch_size_routes_count"));
        assertThat(m.value("herald_publish_lag_seconds_count")).isEqualTo(7);
        assertThat(m.value("herald_publish_lag_seconds_bucket", "le", "+Inf")).isEqualTo(7);
        assertThat(m.value("herald_publish_cycles_total", "result", "ok")).isPositive();
        assertThat(m.value("herald_publish_cycles_total", "result", "failed")).isZero();
        assertThat(m.value("herald_schedule_groups")).isZero();
        assertThat(m.value("herald_schedule_due_groups")).isZero();
        assertThat(m.value("herald_schedule_lag_seconds")).isZero();
        assertThat(m.value("herald_dead_letter_routes")).isEqualTo(1);
        assertThat(m.value("herald_routes_waiting", "state", "dead_letter")).isEqualTo(1);
        assertThat(m.value("herald_routes_waiting", "state", "pending")).isZero();
        assertThat(m.value("herald_routes_waiting", "state", "failed")).isZero();
        assertThat(m.value("herald_intake_backlog_intents")).isZero();
        assertThat(m.value("herald_intake_rejected_total", "source", "stream", "field", "other"))
            .isEqualTo(40);
        assertThat(answer.body()).doesNotContain("field=\"typo");
        assertThat(m.value("herald_stream_length_entries", "stream", h.stream)).isEqualTo(7);
        // The email stream holds the one entry that exhausted its ids.
        assertThat(m.value("herald_stream_length_entries", "stream", email)).isEqualTo(1);
        assertThat(m.value("herald_stream_breaker_open", "stream", email)).isZero();
        assertThat(m.value("herald_stream_breaker_open", "stream", h.stream)).isZero();
        assertThat(m.value("herald_routes_deferred_total", "channel", push, "type", turn)).isZero();
        assertThat(m.value("herald_store_events_total", "event", "published")).isEqualTo(7);
        assertThat(m.value("herald_store_events_total", "event", "dead_lettered")).isEqualTo(1);
        // 8 published or dead, 2 cancelled
        assertThat(m.value("herald_store_events_total", "event", "routes_accepted")).isEqualTo(10);
        assertThat(m.value("herald_intake_notifications_accepted_total")).isEqualTo(5);
        assertThat(m.value("herald_intake_routes_accepted_total")).isEqualTo(10);
        assertThat(m.value("herald_intake_duplicates_total")).isEqualTo(1);
        assertThat(m.value("herald_intake_rejected_total", "source", "api", "field", "recipients"))
            .isEqualTo(1);
        for (String kind :
            List.of(
                "unavailable", "access_denied", "reply_error", "stream_unavailable", "timeout")) {
          assertThat(m.value("herald_redis_errors_total", "kind", kind)).as(kind).isZero();
        }
        assertThat(m.value("herald_redis_up")).isEqualTo(1);
        assertThat(Math.abs(m.value("herald_clock_offset_seconds"))).isLessThan(1.0);
        assertThat(m.hasFamily("herald_redis_eviction_risk")).isTrue();
        assertThat(m.value("herald_publisher_workers")).isEqualTo(2);
        assertThat(m.value("herald_channel_paused", "channel", "push")).isZero();
        assertThat(
                m.value(
                    "herald_channel_rate_limit_routes_per_second",
                    "channel",
                    "email",
                    "source",
                    "config"))
            .isEqualTo(1_000_000);
        assertThat(m.value("herald_processes_running")).isBetween(0.0, 1.0);
        // Its first heartbeat (at start, long before these publishes) found no earlier version:
        // the store's decision is this version's newest format, and the metric says it.
        assertThat(m.value("herald_stored_format"))
            .isEqualTo(h.backend.processes().storedFormat())
            .isGreaterThan(3);
        assertThat(m.value("herald_build_info", "version", "dev")).isEqualTo(1);
        assertThat(m.value("jvm_memory_used_bytes", "area", "heap")).isPositive();
        assertThat(m.value("jvm_threads_current")).isPositive();
        assertThat(m.value("process_cpu_seconds_total")).isPositive();

        assertThat(dashboardMetrics())
            .isNotEmpty()
            .allSatisfy(
                name ->
                    assertThat(m.hasFamily(name))
                        .as("the dashboard's %s is exposed", name)
                        .isTrue());

        assertThat(Http.get(d.baseUrl() + "/healthz").status()).isEqualTo(200);
        assertThat(Http.get(d.baseUrl() + "/readyz").body()).startsWith("ready");
        assertThat(Http.get(d.baseUrl() + "/").status()).isEqualTo(404);
        assertThat(d.stop()).isZero();
      }
    }
  }

  @Test
  void a_stream_refusing_appends_shows_its_breaker_open_and_counts_deferrals_not_retries()
      throws Exception {
    try (Harness h = Harness.realTime(TestRedis.url())) {
      h.raw.hset(h.stream, "this key", "holds a hash, not a stream");
      String yaml =
          String.join(
              "\n",
              "redis:",
              "  url: " + TestRedis.heraldUrl(),
              "namespace: " + h.namespace,
              "gateway:",
              "  stream: " + h.stream,
              "publisher:",
              "  workers: 2",
              "  poll-interval: 100ms",
              "delivery:",
              "  max-attempts: 1",
              "api:",
              "  listen: 'off'",
              "console:",
              "  listen: 'off'",
              "ops:",
              "  listen: 127.0.0.1:0",
              "");
      try (RunningDaemon d = RunningDaemon.start(dir, yaml)) {
        h.submit(Harness.notification("u-1", "u-2", "u-3").build());
        await()
            .atMost(Duration.ofSeconds(10))
            .ignoreExceptions()
            .until(() -> metric(d, "herald_stream_breaker_open", "stream", h.stream) == 1);
        await()
            .atMost(Duration.ofSeconds(10))
            .ignoreExceptions()
            .until(
                () ->
                    metric(
                            d,
                            "herald_routes_deferred_total",
                            "channel",
                            "push",
                            "type",
                            "game.turn_ready")
                        >= 6); // each route deferred twice or more: the outage lasts
        Scrape during = Scrape.parse(Http.get(d.baseUrl() + "/metrics").body());
        assertThat(
                during.value(
                    "herald_routes_retried_total", "channel", "push", "type", "game.turn_ready"))
            .as("uncharged deferrals are not retries")
            .isZero();
        assertThat(
                during.value(
                    "herald_routes_dead_lettered_total",
                    "channel",
                    "push",
                    "type",
                    "game.turn_ready"))
            .isZero();
        assertThat(during.value("herald_stream_length_entries", "stream", h.stream)).isEqualTo(-1);

        h.raw.del(h.stream);
        await().atMost(Duration.ofSeconds(5)).until(() -> h.raw.xlen(h.stream) == 3);
        await()
            .atMost(Duration.ofSeconds(5))
            .ignoreExceptions()
            .until(() -> metric(d, "herald_stream_breaker_open", "stream", h.stream) == 0);
        Scrape after = Scrape.parse(Http.get(d.baseUrl() + "/metrics").body());
        assertThat(
                after.value(
                    "herald_routes_published_total", "channel", "push", "type", "game.turn_ready"))
            .isEqualTo(3);
        assertThat(
                after.value(
                    "herald_routes_retried_total", "channel", "push", "type", "game.turn_ready"))
            .isZero();
        assertThat(d.stop()).isZero();
      }
    }
  }

  private static double metric(RunningDaemon d, String name, String... labels) throws Exception {
    return Scrape.parse(Http.get(d.baseUrl() + "/metrics").body()).value(name, labels);
  }

  /**
   * The metric families config/grafana-dashboard.json queries, read as Grafana reads it: JSON whose
   * panels have ids of their own and a place on the grid, each query an {@code expr} of a target.
   */
  private static Set<String> dashboardMetrics() throws IOException {
    com.fasterxml.jackson.databind.JsonNode dashboard =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(Files.readString(Path.of("config/grafana-dashboard.json")));
    Set<Integer> ids = new TreeSet<>();
    Set<String> names = new TreeSet<>();
    for (com.fasterxml.jackson.databind.JsonNode panel : dashboard.get("panels")) {
      assertThat(ids.add(panel.get("id").asInt())).as("panel id %s once", panel.get("id")).isTrue();
      assertThat(panel.get("gridPos").has("w"))
          .as("panel %s has a place", panel.get("id"))
          .isTrue();
      for (com.fasterxml.jackson.databind.JsonNode target : panel.path("targets")) {
        Matcher m = Pattern.compile("herald_[a-z_]+").matcher(target.get("expr").asText());
        while (m.find()) {
          names.add(m.group().replaceFirst("_(bucket|sum|count)$", ""));
        }
      }
    }
    return names;
  }

  private static String heraldLines(Http.Answer answer) {
    return String.join("\n", answer.body().lines().filter(l -> l.contains("herald_")).toList());
  }
}
