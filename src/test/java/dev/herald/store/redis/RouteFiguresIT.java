package dev.herald.store.redis;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.domain.CancelRequest;
import dev.herald.domain.Failure;
import dev.herald.domain.RouteState;
import dev.herald.store.DeadLetterStore.Requeue;
import dev.herald.store.DeadLetterStore.Route;
import dev.herald.store.NotificationRecord;
import dev.herald.store.RouteFigures;
import dev.herald.store.RouteRecord;
import dev.herald.testing.DeadLetterPlanting;
import dev.herald.testing.Harness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The figures the scripts keep agree with the routes' states after every kind of change. */
class RouteFiguresIT {

  private static final String GAME = "game.turn_ready";
  private static final String CHAT = "chat.message";

  private final Harness h = new Harness();
  private final DeadLetterPlanting plant = new DeadLetterPlanting(h);
  private final List<String> ids = new ArrayList<>();

  @AfterEach
  void close() {
    h.close();
  }

  /** The figures recounted from the routes themselves: pending, failed, dead_letter.<class>. */
  private Map<String, Long> recount() {
    Map<String, Long> counts = new TreeMap<>();
    for (String id : ids) {
      NotificationRecord record = h.backend.notifications().find(id).orElseThrow();
      for (RouteRecord r : record.routes()) {
        String figure =
            switch (r.state()) {
              case PENDING -> "pending";
              case FAILED -> "failed";
              case DEAD_LETTER -> "dead_letter." + r.lastFailure().kind().wireName();
              default -> null;
            };
        if (figure != null) {
          counts.merge(figure + ":" + record.notification().type(), 1L, Long::sum);
        }
      }
    }
    return counts;
  }

  /** The same figures as the scripts kept them (zeros left out). */
  private Map<String, Long> kept() {
    Map<String, Long> kept = new TreeMap<>();
    RouteFigures f = h.backend.stats().routeFigures();
    f.byType()
        .forEach(
            (type, figures) ->
                figures.forEach(
                    (name, n) -> {
                      if (n != 0
                          && (name.equals("pending")
                              || name.equals("failed")
                              || name.startsWith(RouteFigures.DEAD_LETTER_PREFIX))) {
                        kept.put(name + ":" + type, n);
                      }
                    }));
    return kept;
  }

  @Test
  void figures_by_type_follow_accept_retry_dead_letter_requeue_purge_and_publish() {
    String a1 = plant.streamDown(notification("a1", "a2", "a3")).get(0);
    String b1 = plant.streamDown(notification("b1", "b2").type(CHAT)).get(0);
    String a2 = plant.unencodable(notification("a4", "a5")).get(0);
    ids.addAll(List.of(a1, b1, a2));
    assertThat(kept()).isEqualTo(recount());

    h.exhaustStream(); // every append fails, charged
    ids.addAll(h.submit(notification("a6", "a7").build(), notification("b3").type(CHAT).build()));
    h.drain(h.cycle("w", Harness.settings(100, 5)));
    h.raw.del(h.stream);
    ids.addAll(
        h.submit(
            notification("a8", "a9", "a10").sendAt(h.clock.instant().plusSeconds(60)).build()));
    assertThat(kept())
        .isEqualTo(recount())
        .containsEntry("failed:" + GAME, 2L)
        .containsEntry("failed:" + CHAT, 1L)
        .containsEntry("pending:" + GAME, 3L);

    var store = h.backend.deadLetters();
    store.requeue(
        List.of(
            new Requeue(new Route(a1, 0), h.clock.instant()),
            new Requeue(new Route(a2, 0), h.clock.instant())),
        false,
        h.clock.instant());
    store.requeue(
        List.of(new Requeue(new Route(b1, 0), h.clock.instant())), true, h.clock.instant());
    store.purge(List.of(new Route(a1, 1)), h.clock.instant());
    assertThat(kept()).isEqualTo(recount());

    h.clock.advance(Duration.ofSeconds(1));
    h.drain(h.cycle("w", Harness.settings(100, 5)));
    assertThat(kept()).isEqualTo(recount());

    RouteFigures f = h.backend.stats().routeFigures();
    assertThat(f.of(GAME, "accepted")).isEqualTo(10);
    assertThat(f.of(CHAT, "accepted")).isEqualTo(3);
    assertThat(f.of(GAME, "published")).isEqualTo(4); // a1, a4 requeued; a6, a7 retried
    assertThat(f.of(CHAT, "published")).isEqualTo(2); // b1 requeued; b3 retried
    assertThat(f.of(GAME, "requeued")).isEqualTo(2);
    assertThat(f.of(CHAT, "requeued")).isEqualTo(1);
    assertThat(f.of(GAME, "purged")).isEqualTo(1);
    assertThat(f.deadLettersByClassification(null))
        .containsEntry("gateway_stream_publish_failed", 2L) // a3, b2
        .containsEntry("payload_encoding_failed", 1L); // a5
    assertThat(f.deadLetters(null)).isEqualTo(h.raw.zcard(h.keys.deadLetters()));
    assertThat(f.total("pending")).isEqualTo(3);
    // b1's first route was requeued keeping its attempt, then published at attempt 2.
    assertThat(
            h.backend.notifications().find(b1).orElseThrow().routes().get(0).failures().stream()
                .map(Failure::attempt))
        .containsExactly(1);
    assertThat(h.backend.notifications().find(b1).orElseThrow().routes().get(0).state())
        .isEqualTo(RouteState.PUBLISHED);
  }

  @Test
  void figures_by_type_follow_cancel_and_expiry() {
    Instant now = h.clock.instant();
    String later = h.submit(notification("c1", "c2").sendAt(now.plusSeconds(60)).build()).get(0);
    String expiring =
        h.submit(
                notification("e1", "e2", "e3")
                    .type(CHAT)
                    .sendAt(now.plusSeconds(10))
                    .expiresAt(now.plusSeconds(20))
                    .build())
            .get(0);
    ids.addAll(List.of(later, expiring));
    assertThat(kept()).isEqualTo(recount()).containsEntry("pending:" + GAME, 2L);

    h.backend.notifications().cancel(CancelRequest.byId(later), now, Duration.ofHours(1));
    h.backend.notifications().cancel(CancelRequest.byId(later), now, Duration.ofHours(1));
    h.clock.advance(Duration.ofSeconds(30));
    h.drain(h.cycle("w", Harness.settings(100, 5)));

    assertThat(kept()).isEqualTo(recount()).isEmpty();
    RouteFigures f = h.backend.stats().routeFigures();
    assertThat(f.of(GAME, "cancelled")).as("cancelling twice counts once").isEqualTo(2);
    assertThat(f.of(CHAT, "expired")).isEqualTo(3);
    assertThat(f.of(CHAT, "published")).isZero();
  }
}
