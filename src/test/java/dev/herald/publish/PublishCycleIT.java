package dev.herald.publish;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.domain.CancelRequest;
import dev.herald.domain.Channel;
import dev.herald.domain.Channels;
import dev.herald.domain.Failure;
import dev.herald.domain.FailureKind;
import dev.herald.domain.Notification;
import dev.herald.domain.RouteState;
import dev.herald.store.ClaimedBatch;
import dev.herald.store.ClaimedNotification;
import dev.herald.store.ClaimedRoute;
import dev.herald.store.CompletionReport;
import dev.herald.store.NotificationRecord;
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
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PublishCycleIT {

  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  private RouteRecord route(String id, int index) {
    NotificationRecord record = h.backend.notifications().find(id).orElseThrow();
    return record.routes().get(index);
  }

  @Test
  void a_failed_append_is_retried_one_backoff_after_the_failure_it_records() {
    h.exhaustStream(); // every append fails, charged
    String id = h.submit(notification("u-1").build()).get(0);
    // A clock that moves on at every reading, as a real one does while a cycle plans and sends.
    java.time.Clock ticking =
        new java.time.Clock() {
          @Override
          public Instant instant() {
            return h.clock.advance(Duration.ofMillis(1));
          }

          @Override
          public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
          }

          @Override
          public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
          }
        };
    PublishCycle cycle =
        new PublishCycle(
            h.backend.routes(),
            new EventEncoder(h.channels),
            () -> Harness.settings(10, 5),
            ticking,
            dev.herald.publish.PublisherListener.NONE,
            "w");

    cycle.runOnce();

    RouteRecord route = route(id, 0);
    assertThat(route.state()).isEqualTo(RouteState.FAILED);
    assertThat(Duration.between(route.lastFailure().at(), route.nextAttemptAt()))
        .as("the exact backoff after attempt 1")
        .isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void three_recipients_become_three_stream_entries_with_the_documented_fields() {
    String id =
        h.submit(notification("u-1", "u-2", "u-3").requestId("req-1").traceId("tr-1").build())
            .get(0);
    PublishCycle.Result result = h.cycle("w", Harness.settings(100, 5)).runOnce();

    assertThat(result.claimed()).isEqualTo(3);
    List<Map<String, String>> entries = h.streamFields();
    assertThat(entries).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(entries.get(i))
          .containsOnly(
              Map.entry("event_id", id + "/push:u-" + (i + 1)),
              Map.entry("event_type", "game.turn_ready"),
              Map.entry("user_id", "u-" + (i + 1)),
              Map.entry("payload_bytes", "{\"turn\":42}"),
              Map.entry("notification_id", id),
              Map.entry("route_id", "push:u-" + (i + 1)),
              Map.entry("request_id", "req-1"),
              Map.entry("trace_id", "tr-1"));
    }
    RouteRecord first = route(id, 0);
    assertThat(first.state()).isEqualTo(RouteState.PUBLISHED);
    assertThat(first.attempts()).isEqualTo(1);
    assertThat(first.publishedAt()).isEqualTo(h.clock.instant());
    assertThat(first.entryId()).isEqualTo(h.streamEntries().get(0).getID().toString());
    assertThat(h.raw.zcard(h.keys.schedule())).isZero();
    assertThat(h.cycle("w2", Harness.settings(100, 5)).runOnce().claimed()).isZero();
  }

  @Test
  void
      appends_failing_for_a_reason_herald_cannot_explain_give_retries_on_the_backoff_then_a_dead_letter() {
    h.exhaustStream();
    Instant t0 = h.clock.instant();
    String id = h.submit(notification("u-1").build()).get(0);
    PublishCycle cycle = h.cycle("w", Harness.settings(100, 4));

    // Attempts at t0, +1s, +3s, +7s (delays 1s, 2s, 4s); the 4th of 4 is the last.
    long[] attemptAt = {0, 1000, 3000, 7000};
    for (int attempt = 1; attempt <= 4; attempt++) {
      Instant due = t0.plusMillis(attemptAt[attempt - 1]);
      h.clock.set(due.minusMillis(1));
      assertThat(cycle.runOnce().claimed()).as("attempt %d not due yet", attempt).isZero();
      h.clock.set(due);
      assertThat(cycle.runOnce().claimed()).as("attempt %d due", attempt).isEqualTo(1);
      RouteRecord r = route(id, 0);
      assertThat(r.attempts()).isEqualTo(attempt);
      assertThat(r.lastFailure().kind()).isEqualTo(FailureKind.GATEWAY_STREAM_PUBLISH_FAILED);
      assertThat(r.lastFailure().message()).startsWith("ERR The stream has exhausted");
      assertThat(r.lastFailure().attempt()).isEqualTo(attempt);
      if (attempt < 4) {
        assertThat(r.state()).isEqualTo(RouteState.FAILED);
        assertThat(r.nextAttemptAt()).isEqualTo(t0.plusMillis(attemptAt[attempt]));
      }
    }
    RouteRecord dead = route(id, 0);
    assertThat(dead.state()).isEqualTo(RouteState.DEAD_LETTER);
    assertThat(dead.deadAt()).isEqualTo(t0.plusMillis(7000));
    assertThat(dead.failures()).extracting(Failure::attempt).containsExactly(1, 2, 3, 4);
    assertThat(h.raw.zscore(h.keys.deadLetters(), id + ":0"))
        .isEqualTo(t0.plusMillis(7000).toEpochMilli());
    assertThat(h.raw.zcard(h.keys.schedule())).isZero();
    h.clock.advance(Duration.ofHours(1));
    assertThat(cycle.runOnce().claimed()).as("a dead letter is not retried").isZero();
  }

  @Test
  void a_stream_refusing_every_append_opens_the_breaker_and_routes_keep_their_attempts() {
    h.raw.set(h.stream, "this key holds a string, not a stream");
    String[] recipients = new String[10];
    for (int i = 0; i < recipients.length; i++) {
      recipients[i] = "u-" + i;
    }
    List<String> ids =
        h.submit(
            notification(recipients).build(),
            notification(recipients).build(),
            notification(recipients).build());
    PublishCycle cycle = h.cycle("w", Harness.settings(100, 3));

    cycle.runOnce(); // the first append is refused: the breaker opens, none is charged
    h.clock.advance(Duration.ofSeconds(1));
    cycle.runOnce(); // one probe (refused again, uncharged), 29 deferred without being charged
    assertThat(attemptsOf(ids)).containsOnly(Map.entry(0, 30L));

    for (int i = 0; i < 5; i++) { // an outage longer than 3 attempts' worth of backoff
      h.clock.advance(Duration.ofSeconds(30));
      cycle.runOnce();
    }
    assertThat(attemptsOf(ids))
        .as("nobody charged while the breaker is open")
        .containsOnly(Map.entry(0, 30L));

    h.raw.del(h.stream); // the stream is writable again
    for (int i = 0; i < 5; i++) {
      h.clock.advance(Duration.ofSeconds(30));
      cycle.runOnce();
    }
    assertThat(h.streamEntries()).hasSize(30);
    for (String id : ids) {
      assertThat(h.backend.notifications().find(id).orElseThrow().routes())
          .allSatisfy(r -> assertThat(r.state()).isEqualTo(RouteState.PUBLISHED));
    }
  }

  @Test
  void a_stream_of_another_type_costs_no_route_an_attempt_even_when_each_has_only_one() {
    h.raw.hset(h.stream, "this key", "holds a hash, not a stream");
    List<String> ids =
        h.submit(
            notification(Harness.recipients("u-", 10)).maxAttempts(1).build(),
            notification(Harness.recipients("u-", 10)).maxAttempts(1).build(),
            notification(Harness.recipients("u-", 10)).maxAttempts(1).build());
    List<String> events = new CopyOnWriteArrayList<>();
    PublishCycle cycle = h.cycle("w", Harness.settings(100, 1), recording(events));

    PublishCycle.Result first = cycle.runOnce();

    assertThat(first.claimed()).isEqualTo(30);
    assertThat(first.onlyDeferred()).isTrue();
    assertThat(attemptsOf(ids)).as("attempts charged").containsOnly(Map.entry(0, 30L));
    assertThat(h.raw.zcard(h.keys.deadLetters())).isZero();
    assertThat(h.raw.hget(h.keys.stats(), "retried")).as("retries counted").isNull();
    assertThat(h.raw.hget(h.keys.stats(), "deferred")).isEqualTo("30");
    assertThat(events)
        .filteredOn(e -> e.startsWith("deferred"))
        .as("told as deferred, not as retries")
        .hasSize(30);
    assertThat(events).noneMatch(e -> e.startsWith("retry") || e.startsWith("dead"));
    assertThat(events)
        .filteredOn(e -> e.startsWith("breaker"))
        .containsExactly("breaker opened " + h.stream);

    h.raw.del(h.stream); // the stream is writable again
    h.clock.advance(Duration.ofSeconds(1)); // the breaker's first probe
    cycle.runOnce();

    assertThat(h.streamEntries()).as("all out, one cool-down after the fix").hasSize(30);
    assertThat(attemptsOf(ids)).containsOnly(Map.entry(1, 30L));
    assertThat(events)
        .filteredOn(e -> e.startsWith("breaker"))
        .containsExactly("breaker opened " + h.stream, "breaker closed " + h.stream);
    assertThat(h.raw.hget(h.keys.stats(), "retried")).isNull();
  }

  @Test
  void a_probe_whose_notification_is_cancelled_does_not_keep_the_breaker_open() {
    h.raw.set(h.stream, "not a stream");
    String first = h.submit(notification(Harness.recipients("u-", 10)).build()).get(0);
    AtomicBoolean cancelAtClaim = new AtomicBoolean();
    PublishCycle cycle =
        h.cycle(
            "w",
            Harness.settings(100, 3),
            new PublisherListener() {
              @Override
              public void onClaimed(int routes, Duration took) {
                if (routes > 0 && cancelAtClaim.getAndSet(false)) {
                  h.backend
                      .notifications()
                      .cancel(CancelRequest.byId(first), h.clock.instant(), Duration.ofDays(1));
                }
              }
            });
    cycle.runOnce(); // appends fail: the breaker opens

    h.raw.del(h.stream); // the stream works again
    h.clock.advance(Duration.ofSeconds(1));
    cancelAtClaim.set(true);
    cycle.runOnce(); // the probe is a route of the notification cancelled meanwhile: no verdict

    String later = h.submit(notification("v-1").build()).get(0);
    for (int i = 0; i < 3; i++) {
      h.clock.advance(Duration.ofSeconds(10));
      cycle.runOnce();
    }
    assertThat(h.streamFields())
        .extracting(f -> f.get("notification_id"))
        .as("published after the lost probe")
        .containsExactly(later);
  }

  /** A listener writing down what the cycle tells: "deferred <ref>", "breaker opened <stream>"… */
  private static PublisherListener recording(List<String> events) {
    return new PublisherListener() {
      @Override
      public void onDeferred(RouteInfo route) {
        events.add("deferred " + route.ref());
      }

      @Override
      public void onRetryScheduled(RouteInfo route, Failure failure) {
        events.add("retry " + route.ref());
      }

      @Override
      public void onDeadLettered(RouteInfo route, Failure failure) {
        events.add("dead " + route.ref());
      }

      @Override
      public void onBreakerOpened(String stream, String reason) {
        events.add("breaker opened " + stream);
      }

      @Override
      public void onBreakerClosed(String stream, Duration openFor) {
        events.add("breaker closed " + stream);
      }
    };
  }

  /** How many routes of these notifications have made each number of attempts. */
  private Map<Integer, Long> attemptsOf(List<String> ids) {
    return ids.stream()
        .flatMap(id -> h.backend.notifications().find(id).orElseThrow().routes().stream())
        .collect(
            java.util.stream.Collectors.groupingBy(
                RouteRecord::attempts, java.util.stream.Collectors.counting()));
  }

  @Test
  void a_notification_may_allow_fewer_attempts_than_the_config() {
    h.exhaustStream();
    String id = h.submit(notification("u-1").maxAttempts(1).build()).get(0);
    h.cycle("w", Harness.settings(100, 5)).runOnce();
    assertThat(route(id, 0).state()).isEqualTo(RouteState.DEAD_LETTER);
  }

  @Test
  void an_event_that_cannot_be_encoded_is_retried_as_payload_encoding_failed() {
    String id = h.submit(notification("u-1").build()).get(0);
    PublishCycle cycle =
        new PublishCycle(
            h.backend.routes(),
            new EventEncoder(new Channels(List.of(new Channel("email", "mail", 10)))),
            () -> Harness.settings(100, 5),
            h.clock,
            PublisherListener.NONE,
            "w");
    cycle.runOnce();
    RouteRecord r = route(id, 0);
    assertThat(r.state()).isEqualTo(RouteState.FAILED);
    assertThat(r.lastFailure().kind()).isEqualTo(FailureKind.PAYLOAD_ENCODING_FAILED);
    assertThat(r.lastFailure().message()).contains("channel 'push' is not configured");
    assertThat(r.nextAttemptAt()).isEqualTo(h.clock.instant().plusSeconds(1));
  }

  @Test
  void a_burst_of_dead_letters_is_one_error_line_per_classification_saying_what_it_left_out() {
    String[] recipients = new String[257];
    for (int i = 0; i < recipients.length; i++) {
      recipients[i] = "u-" + i;
    }
    h.submit(notification(recipients).maxAttempts(1).build());
    PublishCycle cycle =
        new PublishCycle(
            h.backend.routes(),
            new EventEncoder(new Channels(List.of(new Channel("email", "mail", 10)))),
            () -> Harness.settings(500, 5),
            h.clock,
            PublisherListener.NONE,
            "w");
    ch.qos.logback.classic.Logger log =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(PublishCycle.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
        new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    log.addAppender(lines);
    try {
      assertThat(cycle.runOnce().claimed()).isEqualTo(257);
    } finally {
      log.detachAppender(lines);
    }
    assertThat(h.raw.zcard(h.keys.deadLetters())).isEqualTo(257);
    assertThat(lines.list)
        .filteredOn(e -> e.getLevel() == ch.qos.logback.classic.Level.ERROR)
        .hasSize(1)
        .allSatisfy(
            e ->
                assertThat(e.getMDCPropertyMap())
                    .containsEntry("classification", "payload_encoding_failed"));
  }

  @Test
  void broken_records_are_dead_lettered_as_corrupt_and_the_rest_of_the_batch_is_published() {
    List<String> ids =
        h.submit(
            notification("u-1").build(),
            notification("u-2", "u-3").build(),
            notification("u-4").build());
    h.writeRouteHash(ids.get(0)); // touched: a record lost without a route hash is no notification
    h.raw.del(h.keys.notification(ids.get(0)));
    h.writeRouteHash(ids.get(1));
    h.raw.hset(h.keys.routes(ids.get(1)), "1", "garbage");
    List<String> corrupt = new CopyOnWriteArrayList<>();
    PublishCycle cycle =
        h.cycle(
            "w",
            Harness.settings(100, 5),
            new PublisherListener() {
              @Override
              public void onCorruptRecord(String description) {
                corrupt.add(description);
              }
            });

    assertThat(cycle.runOnce().claimed()).isEqualTo(4);

    assertThat(h.streamFields())
        .extracting(f -> f.get("route_id"))
        .containsExactlyInAnyOrder("push:u-2", "push:u-4");
    assertThat(route(ids.get(1), 1).state()).isEqualTo(RouteState.DEAD_LETTER);
    assertThat(route(ids.get(1), 1).lastFailure().kind()).isEqualTo(FailureKind.CORRUPT_RECORD);
    assertThat(route(ids.get(1), 1).lastFailure().message())
        .contains("unreadable route state garbage");
    assertThat(h.raw.hget(h.keys.routes(ids.get(0)), "0")).startsWith("d|1|");
    assertThat(h.raw.zrange(h.keys.deadLetters(), 0, -1))
        .containsExactlyInAnyOrder(ids.get(0) + ":0", ids.get(1) + ":1");
    assertThat(corrupt).hasSize(2);
  }

  @Test
  void listeners_hear_the_lag_from_due_time_to_append() {
    h.submit(notification("u-1").build());
    h.clock.advance(Duration.ofMillis(250));
    List<Duration> lags = new CopyOnWriteArrayList<>();
    h.cycle(
            "w",
            Harness.settings(100, 5),
            new PublisherListener() {
              @Override
              public void onPublished(RouteInfo route, Duration lag) {
                lags.add(lag);
              }
            })
        .runOnce();
    assertThat(lags).containsExactly(Duration.ofMillis(250));
  }

  @Test
  void redis_out_of_memory_burns_no_attempts() {
    try (RedisServerProcess redis =
            RedisServerProcess.start("--maxmemory", "2mb", "--maxmemory-policy", "noeviction");
        Harness small = new Harness(redis.url(), RedisTestSupport.RETENTION, 1000)) {
      String id = small.submit(notification("u-1").build()).get(0);
      fillMemory(small);
      PublishCycle cycle = small.cycle("w", Harness.settings(100, 1));

      // Depending on how close to the limit memory is, Redis refuses the claim (the route stays
      // pending) or the append (the route keeps its lease). Either way no attempt is spent.
      try {
        assertThat(cycle.runOnce().sinkUnavailable()).isTrue();
      } catch (StoreUnavailableException refusedClaim) {
        assertThat(refusedClaim).hasMessageContaining("OOM");
      }
      RouteRecord r = small.backend.notifications().find(id).orElseThrow().routes().get(0);
      assertThat(r.attempts()).as("attempts burned").isZero();
      assertThat(r.state()).isIn(RouteState.PENDING, RouteState.LEASED);
      assertThat(small.streamEntries()).isEmpty();

      small.raw.configSet("maxmemory", "0"); // memory is plentiful again
      small.clock.advance(Duration.ofSeconds(30)); // the lease runs out
      assertThat(cycle.runOnce().claimed()).isEqualTo(1);
      assertThat(small.streamEntries()).hasSize(1);
      RouteRecord published = small.backend.notifications().find(id).orElseThrow().routes().get(0);
      assertThat(published.state()).isEqualTo(RouteState.PUBLISHED);
      assertThat(published.attempts()).isEqualTo(1);
    }
  }

  /** Writes until Redis answers OOM. */
  @Test
  void an_append_refused_for_memory_keeps_every_route_of_the_batch_leased_and_scheduled()
      throws Exception {
    // Regression: the routes of the notifications after the one whose append was refused lost
    // their schedule entry (their groups were released untouched) and were never published.
    try (RedisServerProcess redis = RedisServerProcess.start("--maxmemory-policy", "noeviction");
        Harness small = new Harness(redis.url(), RedisTestSupport.RETENTION, 1000)) {
      List<String> ids =
          small.submit(
              notification("u-1", "u-2").build(),
              notification("u-3", "u-4").build(),
              notification("u-5").build());
      ClaimedBatch batch =
          small
              .backend
              .routes()
              .claimDue(small.clock.instant(), Duration.ofSeconds(30), "w.1", 100);
      assertThat(batch.routeCount()).isEqualTo(5);
      EventEncoder encoder = new EventEncoder(small.channels);
      List<RouteOutcome> outcomes = new ArrayList<>();
      for (ClaimedNotification claimed : batch.notifications()) {
        Notification n = claimed.notification();
        for (ClaimedRoute route : claimed.routes()) {
          outcomes.add(
              new RouteOutcome.Publish(
                  route, encoder.event(encoder.template(n), n, route.index()), null));
        }
      }

      small.raw.configSet("maxmemory", "2mb");
      fillMemory(small);
      CompletionReport report =
          small.backend.routes().complete("w.1", small.clock.instant(), outcomes);
      assertThat(report.count(CompletionReport.Status.SINK_UNAVAILABLE)).isEqualTo(5);
      assertThat(small.raw.zcard(small.keys.schedule())).as("schedule entries").isEqualTo(3);

      small.raw.configSet("maxmemory", "0");
      small.clock.advance(Duration.ofSeconds(31)); // the lease runs out
      assertThat(small.drain(small.cycle("w", Harness.settings(100, 5)))).isEqualTo(5);
      assertThat(small.streamFields().stream().map(f -> f.get("event_id")).distinct()).hasSize(5);
      assertThat(small.streamEntries()).hasSize(5);
      for (String id : ids) {
        assertThat(small.backend.notifications().find(id).orElseThrow().routes())
            .allSatisfy(
                r -> {
                  assertThat(r.state()).isEqualTo(RouteState.PUBLISHED);
                  assertThat(r.attempts()).as("attempts charged").isEqualTo(1);
                });
      }
    }
  }

  @Test
  void a_batch_redis_refused_to_record_is_sent_again_under_its_lease_as_soon_as_it_takes_writes()
      throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start("--maxmemory-policy", "noeviction");
        Harness small = new Harness(redis.url(), RedisTestSupport.RETENTION, 1000)) {
      List<String> ids =
          small.submit(notification("u-1", "u-2").build(), notification("u-3").build());
      // Memory runs out between the claim and the completion (which inline publishing, all in
      // the claim, would leave out).
      PublishCycle cycle =
          small.leasingCycle(
              "w",
              Harness.settings(100, 1),
              new PublisherListener() {
                @Override
                public void onClaimed(int routes, Duration took) {
                  if (routes > 0) {
                    small.raw.configSet("maxmemory", "2mb");
                    fillMemory(small);
                  }
                }
              });

      PublishCycle.Result refused = cycle.runOnce();
      assertThat(refused.sinkUnavailable()).isTrue();
      assertThat(small.streamEntries()).isEmpty();

      small.raw.configSet("maxmemory", "0"); // memory is plentiful again; the lease still runs
      PublishCycle.Result again = cycle.runOnce();

      assertThat(again.sinkUnavailable()).isFalse();
      assertThat(small.streamEntries()).as("sent again without waiting for the lease").hasSize(3);
      for (String id : ids) {
        assertThat(small.backend.notifications().find(id).orElseThrow().routes())
            .allSatisfy(
                r -> {
                  assertThat(r.state()).isEqualTo(RouteState.PUBLISHED);
                  assertThat(r.attempts()).as("attempts charged").isEqualTo(1);
                });
      }
      assertThat(small.raw.zcard(small.keys.schedule())).isZero();
    }
  }

  private static void fillMemory(Harness harness) {
    String filler = "x".repeat(50_000);
    for (int i = 0; i < 1000; i++) {
      try {
        harness.raw.set("filler:" + i, filler);
      } catch (RuntimeException oom) {
        assertThat(oom).hasMessageContaining("OOM");
        // The last write that got through was counted with its client's query buffer, which
        // Redis shrinks soon after: memory could fall back under the limit. Lower the limit well
        // below what is used, so every write stays refused until the test raises it.
        long used = Long.parseLong(infoField(harness.raw.info("memory"), "used_memory"));
        harness.raw.configSet("maxmemory", Long.toString(used / 2));
        return;
      }
    }
    throw new AssertionError("Redis never ran out of memory");
  }

  private static String infoField(String info, String field) {
    return info.lines()
        .filter(l -> l.startsWith(field + ":"))
        .map(l -> l.substring(field.length() + 1).trim())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + field + " in INFO"));
  }
}
