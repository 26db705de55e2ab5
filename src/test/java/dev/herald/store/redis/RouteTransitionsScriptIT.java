package dev.herald.store.redis;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.domain.Failure;
import dev.herald.domain.FailureKind;
import dev.herald.domain.Notification;
import dev.herald.domain.RouteState;
import dev.herald.domain.RouteTransitions;
import dev.herald.publish.EventEncoder;
import dev.herald.store.ClaimedRoute;
import dev.herald.store.RouteOutcome;
import dev.herald.testing.Harness;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Plants a route in every state (and every lease situation), applies every script operation, and
 * checks that each change the scripts make is an edge of {@link RouteTransitions}, and that each
 * edge the scripts are meant to implement is made.
 */
class RouteTransitionsScriptIT {

  private static final String OURS = "ours.1";
  private final Harness h = new Harness();
  private final Instant now = h.clock.instant();
  private final long t = now.toEpochMilli();

  @AfterEach
  void close() {
    h.close();
  }

  /** The planted states: name → packed state. */
  private Map<String, String> plants() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("pending", "p|0|" + t);
    p.put("pending, not yet due", "p|0|" + (t + 60_000));
    p.put("failed", "f|1|" + t);
    p.put("leased by us", "l|1|" + t + "|" + OURS + "|" + (t + 30_000));
    p.put("leased by another", "l|1|" + t + "|other.1|" + (t + 30_000));
    p.put("leased, lease ran out", "l|1|" + (t - 60_000) + "|other.1|" + (t - 1));
    p.put("published", "s|1|" + t + "|1-0");
    p.put("dead_letter", "d|3|" + t);
    p.put("expired", "x|0|" + t);
    p.put("cancelled", "c|0|" + t);
    return p;
  }

  private record Plant(String id, String member, String raw) {}

  private Plant plant(String raw) {
    String id = h.submit(notification("u-1").build()).get(0);
    h.raw.hset(h.keys.routes(id), "0", raw);
    h.raw.zadd(h.keys.schedule(), (double) t, id + ":0-0");
    return new Plant(id, id + ":0-0", raw);
  }

  private String stateOf(Plant p) {
    return h.raw.hget(h.keys.routes(p.id()), "0");
  }

  private static RouteState state(String raw) {
    return RouteState.fromCode(raw.charAt(0)).orElseThrow();
  }

  private ClaimedRoute claimed(Plant p) {
    return new ClaimedRoute(p.id(), 0, 1, now, p.member(), null);
  }

  private final Map<String, Function<Plant, Void>> operations = new LinkedHashMap<>();

  {
    operations.put(
        "claim",
        p -> {
          h.backend.routes().claimDue(now, Duration.ofSeconds(30), "claimer.1", 100);
          return null;
        });
    operations.put(
        "complete: publish",
        p -> {
          Notification n = h.backend.notifications().find(p.id()).orElseThrow().notification();
          EventEncoder encoder = new EventEncoder(h.channels);
          try {
            var event = encoder.event(encoder.template(n), n, 0);
            h.backend
                .routes()
                .complete(OURS, now, List.of(new RouteOutcome.Publish(claimed(p), event, now)));
          } catch (Exception e) {
            throw new AssertionError(e);
          }
          return null;
        });
    operations.put(
        "complete: retry",
        p -> {
          h.backend
              .routes()
              .complete(
                  OURS,
                  now,
                  List.of(new RouteOutcome.Retry(claimed(p), now.plusSeconds(5), failure())));
          return null;
        });
    operations.put(
        "complete: dead letter",
        p -> {
          h.backend
              .routes()
              .complete(OURS, now, List.of(new RouteOutcome.DeadLetter(claimed(p), failure())));
          return null;
        });
  }

  private Failure failure() {
    return new Failure(FailureKind.PAYLOAD_ENCODING_FAILED, "test", now, 2);
  }

  @Test
  void every_change_the_scripts_make_is_an_edge_of_the_table() {
    Set<String> observed = new TreeSet<>();
    Set<String> changedBy = new TreeSet<>();
    for (Map.Entry<String, String> planted : plants().entrySet()) {
      for (Map.Entry<String, Function<Plant, Void>> op : operations.entrySet()) {
        h.raw.del(h.keys.schedule());
        Plant p = plant(planted.getValue());
        op.getValue().apply(p);
        String after = stateOf(p);
        if (after.equals(p.raw())) {
          continue;
        }
        RouteState from = state(p.raw());
        RouteState to = state(after);
        assertThat(RouteTransitions.allows(from, to))
            .as("%s on a route %s moved it %s -> %s", op.getKey(), planted.getKey(), from, to)
            .isTrue();
        observed.add(from.displayName() + " -> " + to.displayName());
        changedBy.add(op.getKey() + " on " + planted.getKey());
      }
    }
    assertThat(changedBy)
        .containsExactlyInAnyOrder(
            "claim on pending",
            "claim on failed",
            "claim on leased, lease ran out",
            "complete: publish on leased by us",
            "complete: retry on leased by us",
            "complete: dead letter on leased by us");
    // The edges claim.lua and complete.lua implement. Cancel, expiry and requeue belong to their
    // own scripts and tests.
    assertThat(observed)
        .containsExactlyInAnyOrder(
            "pending -> leased",
            "failed -> leased",
            "leased -> leased",
            "leased -> published",
            "leased -> failed",
            "leased -> dead_letter");
  }
}
