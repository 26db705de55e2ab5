package dev.herald.store.redis;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.domain.CancelRequest;
import dev.herald.domain.Failure;
import dev.herald.domain.FailureKind;
import dev.herald.domain.RouteState;
import dev.herald.store.CancelResult;
import dev.herald.store.ClaimRequest;
import dev.herald.store.ClaimedBatch;
import dev.herald.store.ClaimedRoute;
import dev.herald.store.CompletionReport;
import dev.herald.store.DeadLetterStore;
import dev.herald.store.DeadLetterStore.Change;
import dev.herald.store.DeadLetterStore.Route;
import dev.herald.store.RouteOutcome;
import dev.herald.store.RouteRecord;
import dev.herald.testing.Harness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Stored format 4: the routes a claim publishes inline are recorded in one packed field per group
 * ({@code P<first>}, lib/states.lua), appended to by later claims, and every reader (the claim's
 * own group read, cancel, expiry, requeue and purge, {@code routes show} through the notification
 * store) reads them as published, with their entry ids, whatever their own fields say.
 */
class StoredFormatFourIT {

  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final Duration WINDOW = Duration.ofHours(24);
  private final Harness h = new Harness();
  private int claims;

  @AfterEach
  void close() {
    h.close();
  }

  private ClaimedBatch claimInline(int most) {
    return h.backend
        .routes()
        .claimDue(
            ClaimRequest.of(h.clock.instant(), LEASE, "w." + ++claims, most)
                .withInline(List.copyOf(h.channels.all())));
  }

  private List<RouteRecord> routes(String id) {
    return h.backend.notifications().find(id).orElseThrow().routes();
  }

  private List<RouteState> states(String id) {
    return routes(id).stream().map(RouteRecord::state).toList();
  }

  private List<String> entryIds() {
    return h.streamEntries().stream().map(e -> e.getID().toString()).toList();
  }

  private String figure(String name) {
    return h.raw.hget(h.keys.typeFigures(), name + ":game.turn_ready");
  }

  private Optional<CancelResult> cancel(String id) {
    return h.backend.notifications().cancel(CancelRequest.byId(id), h.clock.instant(), WINDOW);
  }

  @Test
  void a_partly_published_notification_reads_published_then_cancel_leaves_those_routes_alone() {
    String id = h.submit(notification("u-1", "u-2", "u-3", "u-4").build()).get(0);
    Instant first = h.clock.instant();
    assertThat(claimInline(2).published()).hasSize(2);
    h.clock.advance(Duration.ofSeconds(1));
    Instant second = h.clock.instant();
    assertThat(claimInline(1).published()).hasSize(1);

    List<String> ids = entryIds();
    assertThat(ids).hasSize(3);
    assertThat(h.raw.hget(h.keys.routes(id), "P0"))
        .as("the second claim appended its run to the group's packed field")
        .isEqualTo(
            "0|1|"
                + first.toEpochMilli()
                + "|"
                + ids.get(0)
                + ","
                + ids.get(1)
                + ";2|1|"
                + second.toEpochMilli()
                + "|"
                + ids.get(2));
    assertThat(h.raw.hmget(h.keys.routes(id), "0", "1", "2", "3")).containsOnlyNulls();
    List<RouteRecord> shown = routes(id);
    assertThat(shown)
        .extracting(RouteRecord::state)
        .containsExactly(
            RouteState.PUBLISHED, RouteState.PUBLISHED, RouteState.PUBLISHED, RouteState.PENDING);
    assertThat(shown)
        .extracting(RouteRecord::entryId)
        .containsExactly(ids.get(0), ids.get(1), ids.get(2), null);
    assertThat(shown.get(2).publishedAt()).isEqualTo(second);
    assertThat(shown.get(0).attempts()).isEqualTo(1);
    assertThat(h.raw.hget(h.keys.routes(id), "open")).isEqualTo("1");
    assertThat(figure("published")).isEqualTo("3");
    assertThat(figure("pending")).isEqualTo("1");

    DeadLetterStore dead = h.backend.deadLetters();
    Instant at = h.clock.instant();
    assertThat(dead.requeue(List.of(new DeadLetterStore.Requeue(new Route(id, 0), at)), false, at))
        .as("a published route is no dead letter")
        .extracting(Change::outcome)
        .containsExactly(Change.Outcome.NOT_DEAD);
    assertThat(dead.purge(List.of(new Route(id, 1)), at))
        .extracting(Change::outcome)
        .containsExactly(Change.Outcome.NOT_DEAD);

    assertThat(cancel(id))
        .hasValueSatisfying(
            c -> {
              assertThat(c.cancelled()).isEqualTo(1);
              assertThat(c.published()).isEqualTo(3);
            });
    assertThat(states(id))
        .containsExactly(
            RouteState.PUBLISHED, RouteState.PUBLISHED, RouteState.PUBLISHED, RouteState.CANCELLED);
    assertThat(routes(id)).extracting(RouteRecord::entryId).startsWith(ids.toArray(String[]::new));
    assertThat(h.raw.hget(h.keys.routes(id), "open")).isEqualTo("0");
    assertThat(h.raw.zscore(h.keys.retention(), id)).isNotNull();
    assertThat(h.raw.zcard(h.keys.schedule())).isZero();
    assertThat(figure("cancelled")).isEqualTo("1");
    assertThat(figure("pending")).isEqualTo("0");
    assertThat(claimInline(10).takenCount()).isZero();
    assertThat(h.streamEntries()).hasSize(3);
  }

  @Test
  void a_notification_that_expires_after_a_partial_publish_expires_only_its_waiting_routes() {
    Instant now = h.clock.instant();
    String id =
        h.submit(notification("u-1", "u-2", "u-3").expiresAt(now.plusSeconds(10)).build()).get(0);
    assertThat(claimInline(2).published()).hasSize(2);
    h.clock.advance(Duration.ofSeconds(30));

    assertThat(claimInline(10).takenCount()).isZero();
    assertThat(states(id))
        .containsExactly(RouteState.PUBLISHED, RouteState.PUBLISHED, RouteState.EXPIRED);
    assertThat(h.raw.hget(h.keys.routes(id), "open")).isEqualTo("0");
    assertThat(h.raw.hget(h.keys.routes(id), "0")).as("no field of its own").isNull();
    assertThat(h.raw.zscore(h.keys.retention(), id)).isNotNull();
    assertThat(h.raw.zcard(h.keys.schedule())).isZero();
    assertThat(figure("expired")).isEqualTo("1");
    assertThat(figure("published")).isEqualTo("2");
    assertThat(figure("pending")).isEqualTo("0");
    assertThat(h.streamEntries()).hasSize(2);
  }

  @Test
  void a_failed_route_published_inline_on_its_retry_reads_published_though_its_field_says_failed() {
    String id = h.submit(notification("u-1", "u-2").build()).get(0);
    Instant now = h.clock.instant();
    ClaimedBatch leased = h.backend.routes().claimDue(now, LEASE, "w.0", 10);
    List<RouteOutcome> retries = new ArrayList<>();
    for (ClaimedRoute r : leased.notifications().get(0).routes()) {
      retries.add(
          new RouteOutcome.Retry(
              r,
              now.plusSeconds(1),
              new Failure(FailureKind.GATEWAY_STREAM_PUBLISH_FAILED, "test", now, 1)));
    }
    assertThat(h.backend.routes().complete("w.0", now, retries).results())
        .allSatisfy(r -> assertThat(r.status()).isEqualTo(CompletionReport.Status.RETRY_SCHEDULED));
    assertThat(states(id)).containsOnly(RouteState.FAILED);

    h.clock.advance(Duration.ofSeconds(1));
    Instant at = h.clock.instant();
    ClaimedBatch published = claimInline(10);
    assertThat(published.published()).hasSize(2);
    assertThat(published.published().get(0).route().attempts()).isEqualTo(1);
    List<String> ids = entryIds();
    assertThat(h.raw.hget(h.keys.routes(id), "0"))
        .as("its stale field stays (lib/states.lua): the packed field overrides it")
        .startsWith("f|1|");
    assertThat(h.raw.hget(h.keys.routes(id), "P0"))
        .isEqualTo("0|2|" + at.toEpochMilli() + "|" + String.join(",", ids));
    assertThat(routes(id))
        .allSatisfy(
            r -> {
              assertThat(r.state()).isEqualTo(RouteState.PUBLISHED);
              assertThat(r.attempts()).isEqualTo(2);
              assertThat(r.publishedAt()).isEqualTo(at);
            })
        .extracting(RouteRecord::entryId)
        .isEqualTo(ids);
    assertThat(figure("failed")).isEqualTo("0");
    assertThat(figure("published")).isEqualTo("2");

    h.clock.advance(Duration.ofMinutes(1));
    assertThat(claimInline(10).takenCount()).as("never published twice").isZero();
    assertThat(cancel(id))
        .hasValueSatisfying(
            c -> {
              assertThat(c.cancelled()).isZero();
              assertThat(c.published()).isEqualTo(2);
            });
    Instant later = h.clock.instant();
    assertThat(
            h.backend
                .deadLetters()
                .requeue(
                    List.of(new DeadLetterStore.Requeue(new Route(id, 0), later)), false, later))
        .extracting(Change::outcome)
        .containsExactly(Change.Outcome.NOT_DEAD);
    assertThat(states(id)).containsOnly(RouteState.PUBLISHED);
    assertThat(h.streamEntries()).hasSize(2);
  }
}
