package dev.herald.store.redis;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.domain.CancelRequest;
import dev.herald.domain.Failure;
import dev.herald.domain.FailureKind;
import dev.herald.domain.Notification;
import dev.herald.domain.RouteState;
import dev.herald.domain.RouteTransitions;
import dev.herald.publish.EventEncoder;
import dev.herald.store.ClaimRequest;
import dev.herald.store.ClaimedRoute;
import dev.herald.store.DeadLetterStore;
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

  /** A planted route: its state, and its group's lease field (or null). */
  private record Planted(String state, String lease) {}

  private Map<String, Planted> plants() {
    Map<String, Planted> p = new LinkedHashMap<>();
    p.put("pending", new Planted("p|0|" + t, null));
    p.put("pending, not yet due", new Planted("p|0|" + (t + 60_000), null));
    p.put("failed", new Planted("f|1|" + t, null));
    p.put("leased by us", new Planted("p|1|" + t, OURS + "|" + (t + 30_000) + "|" + t + "|0|-1"));
    p.put(
        "leased by us, first attempt",
        new Planted("p|0|" + t, OURS + "|" + (t + 30_000) + "|" + t + "|0|-1"));
    p.put(
        "leased by another",
        new Planted("p|1|" + t, "other.1|" + (t + 30_000) + "|" + t + "|0|-1"));
    p.put(
        "leased, lease ran out",
        new Planted("p|1|" + (t - 60_000), "other.1|" + (t - 1) + "|" + (t - 60_000) + "|0|-1"));
    p.put("published", new Planted("s|1|" + t + "|1-0", null));
    p.put("dead_letter", new Planted("d|3|" + t, null));
    p.put("expired", new Planted("x|0|" + t, null));
    p.put("cancelled", new Planted("c|0|" + t, null));
    p.put("purged", new Planted("z|3|" + t, null));
    return p;
  }

  private record Plant(String id, Planted planted) {}

  private Plant plant(Planted planted) {
    String id = h.submit(notification("u-1").build()).get(0);
    h.writeRouteHash(id);
    h.raw.hset(h.keys.routes(id), "0", planted.state());
    if (planted.lease() != null) {
      h.raw.hset(h.keys.routes(id), "L0", planted.lease());
    }
    h.raw.zadd(h.keys.schedule(), (double) t, id + ":0-0");
    return new Plant(id, planted);
  }

  /** The route's state as the store reports it, leases included. */
  private RouteState stateOf(Plant p) {
    return h.backend.notifications().find(p.id()).orElseThrow().routes().get(0).state();
  }

  private String leaseOf(Plant p) {
    return String.valueOf(h.raw.hget(h.keys.routes(p.id()), "L0"));
  }

  private ClaimedRoute claimed(Plant p) {
    // As the claim reported it: the attempts made so far are in the planted state.
    int attempts = Integer.parseInt(p.planted().state().split("\\|")[1]);
    return new ClaimedRoute(p.id(), 0, attempts, now, null, null);
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
        "claim, publishing inline",
        p -> {
          h.backend
              .routes()
              .claimDue(
                  ClaimRequest.of(now, Duration.ofSeconds(30), "claimer.1", 100)
                      .withMaxBytes(1 << 20)
                      .withInline(List.copyOf(h.channels.all())));
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
    operations.put("requeue", p -> requeue(p, false));
    operations.put("requeue keeping attempts", p -> requeue(p, true));
    operations.put(
        "purge",
        p -> {
          h.backend.deadLetters().purge(List.of(new DeadLetterStore.Route(p.id(), 0)), now);
          return null;
        });
  }

  private Void requeue(Plant p, boolean keepAttempts) {
    h.backend
        .deadLetters()
        .requeue(
            List.of(new DeadLetterStore.Requeue(new DeadLetterStore.Route(p.id(), 0), now)),
            keepAttempts,
            now);
    return null;
  }

  {
    // An open breaker: the route goes back to waiting, uncharged.
    operations.put(
        "complete: defer",
        p -> {
          h.backend
              .routes()
              .complete(
                  OURS,
                  now,
                  List.of(new RouteOutcome.Defer(claimed(p), h.stream, now.plusSeconds(5))));
          return null;
        });
  }

  {
    // Cancel, and expiry as claim.lua and complete.lua apply it.
    operations.put(
        "cancel",
        p -> {
          h.backend
              .notifications()
              .cancel(CancelRequest.byId(p.id()), now, Duration.ofHours(1))
              .orElseThrow();
          return null;
        });
    operations.put(
        "claim after expiry",
        p -> {
          expireNow(p);
          return operations.get("claim").apply(p);
        });
    operations.put(
        "complete: publish after expiry",
        p -> {
          expireNow(p);
          return operations.get("complete: publish").apply(p);
        });
  }

  /** Makes the route's notification expire now. */
  private void expireNow(Plant p) {
    h.raw.hset(h.keys.routes(p.id()), "exp", Long.toString(t));
  }

  private Failure failure() {
    return new Failure(FailureKind.PAYLOAD_ENCODING_FAILED, "test", now, 2);
  }

  @Test
  void every_change_the_scripts_make_is_an_edge_of_the_table() {
    Set<String> observed = new TreeSet<>();
    Set<String> changedBy = new TreeSet<>();
    for (Map.Entry<String, Planted> planted : plants().entrySet()) {
      for (Map.Entry<String, Function<Plant, Void>> op : operations.entrySet()) {
        h.raw.del(h.keys.schedule());
        Plant p = plant(planted.getValue());
        RouteState from = stateOf(p);
        String leaseBefore = leaseOf(p);
        op.getValue().apply(p);
        RouteState to = stateOf(p);
        if (to == from && leaseOf(p).equals(leaseBefore)) {
          continue;
        }
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
            "claim, publishing inline on pending",
            "claim, publishing inline on failed",
            "claim, publishing inline on leased, lease ran out",
            "complete: publish on leased by us",
            "complete: retry on leased by us",
            "complete: dead letter on leased by us",
            "complete: defer on leased by us",
            "complete: publish on leased by us, first attempt",
            "complete: retry on leased by us, first attempt",
            "complete: dead letter on leased by us, first attempt",
            "complete: defer on leased by us, first attempt",
            "cancel on leased by us, first attempt",
            "complete: publish after expiry on leased by us, first attempt",
            "cancel on pending",
            "cancel on pending, not yet due",
            "cancel on failed",
            "cancel on leased by us",
            "cancel on leased by another",
            "cancel on leased, lease ran out",
            "cancel on dead_letter",
            "claim after expiry on pending",
            "claim after expiry on pending, not yet due",
            "claim after expiry on failed",
            "claim after expiry on leased, lease ran out",
            "complete: publish after expiry on leased by us",
            "requeue on dead_letter",
            "requeue keeping attempts on dead_letter",
            "purge on dead_letter");
    // claim.lua (leasing and publishing inline), complete.lua, cancel.lua, requeue.lua and
    // purge.lua make every move of the table.
    Set<String> edges = new TreeSet<>();
    for (RouteState from : RouteState.values()) {
      for (RouteState to : RouteState.values()) {
        if (RouteTransitions.allows(from, to)) {
          edges.add(from.displayName() + " -> " + to.displayName());
        }
      }
    }
    assertThat(observed).isEqualTo(edges);
  }
}
