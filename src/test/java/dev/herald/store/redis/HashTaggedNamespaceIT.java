package dev.herald.store.redis;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.domain.CancelRequest;
import dev.herald.domain.RouteState;
import dev.herald.store.DeadLetterStore;
import dev.herald.store.RouteRecord;
import dev.herald.testing.Harness;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A namespace may end in a Redis Cluster hash tag ({@code herald:{0}}): the scripts derive every
 * key they touch from the keys they are given, so all of a notification's life stays under the
 * prefix and in the tag's slot.
 */
class HashTaggedNamespaceIT {

  private static final Duration WINDOW = Duration.ofHours(1);
  private final Harness h = Harness.hashTagged("7");
  private final Set<String> seen = new TreeSet<>();

  @AfterEach
  void close() {
    h.close();
  }

  /** Every key under the namespace's base (the part before the tag), as it is now. */
  private void look() {
    String base = h.namespace.substring(0, h.namespace.indexOf(":{"));
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = h.raw.scan(cursor, new ScanParams().match(base + "*").count(1000));
      seen.addAll(page.getResult());
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
  }

  private List<RouteState> states(String id) {
    return h.backend.notifications().find(id).orElseThrow().routes().stream()
        .map(RouteRecord::state)
        .toList();
  }

  private List<DeadLetterStore.Route> deadRoutes(String id, int count) {
    return java.util.stream.IntStream.range(0, count)
        .mapToObj(i -> new DeadLetterStore.Route(id, i))
        .toList();
  }

  @Test
  void every_key_of_a_notifications_life_is_under_the_tagged_prefix_in_one_slot() {
    Instant t0 = h.clock.instant();
    // Dead letters, requeued, then published.
    String requeued =
        h.submit(notification("u-1", "u-2", "u-3").idempotencyKey("k-1").build()).get(0);
    h.exhaustStream();
    h.drain(h.cycle("w", Harness.settings(100, 1)));
    assertThat(states(requeued)).containsOnly(RouteState.DEAD_LETTER);
    assertThat(h.backend.deadLetters().page(DeadLetterStore.Window.ALL, null, 10).deadLetters())
        .hasSize(3);
    look();
    h.raw.del(h.stream);
    h.backend
        .deadLetters()
        .requeue(
            deadRoutes(requeued, 3).stream().map(r -> new DeadLetterStore.Requeue(r, t0)).toList(),
            false,
            h.clock.instant());
    h.drain(h.cycle("w", Harness.settings(100, 5)));
    assertThat(states(requeued)).containsOnly(RouteState.PUBLISHED);

    // Cancelled by its idempotency key, expired, purged.
    String cancelled =
        h.submit(notification("u-4").idempotencyKey("k-2").sendAt(t0.plusSeconds(60)).build())
            .get(0);
    assertThat(
            h.backend
                .notifications()
                .cancel(
                    CancelRequest.byIdempotencyKey("game-engine", "k-2"),
                    h.clock.instant(),
                    WINDOW))
        .isPresent();
    String expired =
        h.submit(
                notification("u-5").sendAt(t0.plusSeconds(5)).expiresAt(t0.plusSeconds(10)).build())
            .get(0);
    String purged = h.submit(notification("u-6").build()).get(0);
    h.exhaustStream();
    h.drain(h.cycle("w", Harness.settings(100, 1)));
    look();
    h.raw.del(h.stream);
    h.backend.deadLetters().purge(deadRoutes(purged, 1), h.clock.instant());
    h.clock.advance(Duration.ofSeconds(11));
    h.drain(h.cycle("w", Harness.settings(100, 5)));
    assertThat(states(cancelled)).containsOnly(RouteState.CANCELLED);
    assertThat(states(expired)).containsOnly(RouteState.EXPIRED);
    assertThat(states(purged)).containsOnly(RouteState.PURGED);
    look();

    h.clock.advance(Duration.ofDays(2));
    assertThat(h.backend.routes().retireFinished(h.clock.instant(), 100)).isEqualTo(4);
    look();

    int slot = JedisClusterCRC16.getSlot(h.keys.schedule());
    assertThat(slot).isEqualTo(JedisClusterCRC16.getSlot("7"));
    assertThat(seen)
        .allSatisfy(
            key -> {
              assertThat(key).startsWith(h.keys.prefix());
              assertThat(JedisClusterCRC16.getSlot(key)).as(key).isEqualTo(slot);
            })
        .contains(
            h.keys.schedule(),
            h.keys.notification(requeued),
            h.keys.routes(requeued),
            h.keys.failures(requeued),
            h.keys.idempotency("game-engine", "k-1"),
            h.keys.deadLetters(),
            h.keys.retention(),
            h.keys.stats(),
            h.keys.typeFigures(),
            h.stream);
    for (String id : List.of(requeued, cancelled, expired, purged)) {
      assertThat(h.raw.exists(h.keys.notification(id), h.keys.routes(id), h.keys.failures(id)))
          .as("%s retired", id)
          .isZero();
    }
  }
}
