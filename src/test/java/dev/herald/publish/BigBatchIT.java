package dev.herald.publish;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.domain.CancelRequest;
import dev.herald.domain.Channel;
import dev.herald.domain.Channels;
import dev.herald.domain.RouteState;
import dev.herald.store.RouteRecord;
import dev.herald.testing.Harness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The largest batch the configuration allows (publisher.batch-size 10,000) of the largest
 * notification intake accepts (10,000 recipients): one claim and one completion of 10,000 routes of
 * one notification, far past the few thousand values Lua's unpack() takes in one call.
 */
class BigBatchIT {

  private static final int ROUTES = 10_000;
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  @Test
  void ten_thousand_routes_of_one_notification_in_one_batch_are_each_published_exactly_once() {
    String id = h.submit(notification(Harness.recipients("u-", ROUTES)).build()).get(0);
    PublishCycle cycle = h.cycle("w", Harness.settings(ROUTES, 5));

    runUntilNothingIsDue(cycle);

    Map<String, Long> appended =
        h.streamFields().stream()
            .collect(Collectors.groupingBy(f -> f.get("event_id"), Collectors.counting()));
    assertThat(appended).hasSize(ROUTES);
    assertThat(appended.values()).as("appends per route").containsOnly(1L);
    assertThat(states(id)).containsOnly(Map.entry(RouteState.PUBLISHED, (long) ROUTES));
    assertThat(h.raw.hget(h.keys.routes(id), "open")).isEqualTo("0");
    assertThat(h.raw.zcard(h.keys.schedule())).as("schedule entries left").isZero();
    assertThat(h.raw.zscore(h.keys.retention(), id)).as("on its way to retention").isNotNull();
  }

  @Test
  void ten_thousand_failed_attempts_in_one_batch_are_each_recorded_and_scheduled() {
    String id = h.submit(notification(Harness.recipients("u-", ROUTES)).build()).get(0);
    // Push is not configured for this worker: every route's event fails to encode.
    PublishCycle cycle =
        new PublishCycle(
            h.backend.routes(),
            new EventEncoder(new Channels(List.of(new Channel("email", "mail", 10)))),
            () -> Harness.settings(ROUTES, 5),
            h.clock,
            PublisherListener.NONE,
            "w");

    cycle.runOnce();

    assertThat(states(id)).containsOnly(Map.entry(RouteState.FAILED, (long) ROUTES));
    assertThat(routes(id).stream().filter(r -> r.attempts() != 1 || r.failures().size() != 1))
        .as("routes without exactly one attempt and one failure recorded")
        .isEmpty();
    assertThat(h.raw.zcard(h.keys.schedule()))
        .as("one schedule entry per group of 64")
        .isEqualTo((ROUTES + 63) / 64);
    assertThat(h.raw.hget(h.keys.routes(id), "open")).isEqualTo(Integer.toString(ROUTES));
    h.clock.advance(Duration.ofSeconds(1));
    assertThat(h.cycle("w2", Harness.settings(ROUTES, 5)).runOnce().claimed())
        .as("every route is due again at its retry")
        .isEqualTo(ROUTES);
  }

  @Test
  void a_batch_of_large_payloads_is_bounded_by_the_bytes_of_its_events_as_well_as_its_routes() {
    String payload = "{\"blob\":\"" + "x".repeat(60_000) + "\"}";
    List<String> ids = new ArrayList<>();
    for (int n = 0; n < 10; n++) {
      ids.addAll(h.submit(notification(Harness.recipients("u-", 50)).payloadJson(payload).build()));
    }
    PublishCycle cycle = h.cycle("w", Harness.settings(500, 5)); // publisher.batch-bytes: 4 MiB

    PublishCycle.Result first = cycle.runOnce();

    // 500 routes would append 30 MB in one script; 4 MiB holds 69 of these events.
    assertThat(first.claimed()).isBetween(60, 70);
    assertThat(first.wasFull()).as("more is due: the loop goes again at once").isTrue();
    assertThat(h.streamEntries()).hasSize(first.claimed());
    assertThat(first.claimed() + h.drain(cycle)).isEqualTo(500);
    Map<String, Long> appended =
        h.streamFields().stream()
            .collect(Collectors.groupingBy(f -> f.get("event_id"), Collectors.counting()));
    assertThat(appended).hasSize(500);
    assertThat(appended.values()).as("appends per route").containsOnly(1L);
  }

  @Test
  void a_cancel_of_ten_thousand_leased_routes_refuses_their_completion() {
    String id = h.submit(notification(Harness.recipients("u-", ROUTES)).build()).get(0);
    List<String> cancelled = new ArrayList<>();
    // The notification is cancelled between the claim and the completion of its one batch (a
    // claim that leases: inline publishing would have published the batch in the claim).
    PublishCycle cycle =
        h.leasingCycle(
            "w",
            Harness.settings(ROUTES, 5),
            new PublisherListener() {
              @Override
              public void onClaimed(int routes, Duration took) {
                if (routes > 0) {
                  h.backend
                      .notifications()
                      .cancel(CancelRequest.byId(id), h.clock.instant(), Duration.ofDays(1))
                      .ifPresent(c -> cancelled.add(c.notificationId() + ":" + c.cancelled()));
                }
              }
            });

    assertThat(cycle.runOnce().claimed()).isEqualTo(ROUTES);

    assertThat(cancelled).containsExactly(id + ":" + ROUTES);
    assertThat(h.streamEntries()).isEmpty();
    assertThat(states(id)).containsOnly(Map.entry(RouteState.CANCELLED, (long) ROUTES));
    assertThat(h.raw.hget(h.keys.routes(id), "open")).isEqualTo("0");
    assertThat(h.raw.zcard(h.keys.schedule())).isZero();
  }

  /**
   * Runs the cycle as the loop would: a cycle that fails is tried again once the lease it may have
   * left behind has run out.
   */
  private void runUntilNothingIsDue(PublishCycle cycle) {
    for (int round = 0; round < 5; round++) {
      try {
        if (cycle.runOnce().claimed() == 0) {
          return;
        }
      } catch (RuntimeException failedCycle) {
        h.clock.advance(Duration.ofSeconds(31));
      }
    }
  }

  private Map<RouteState, Long> states(String id) {
    return routes(id).stream()
        .collect(Collectors.groupingBy(RouteRecord::state, Collectors.counting()));
  }

  private List<RouteRecord> routes(String id) {
    List<RouteRecord> routes = h.backend.notifications().find(id).orElseThrow().routes();
    assertThat(routes).hasSize(ROUTES);
    return routes;
  }
}
