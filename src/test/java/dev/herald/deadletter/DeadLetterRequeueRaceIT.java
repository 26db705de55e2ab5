package dev.herald.deadletter;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.domain.NotificationRequest;
import dev.herald.store.DeadLetterStore;
import dev.herald.store.DeadLetterStore.Requeue;
import dev.herald.store.DeadLetterStore.Route;
import dev.herald.store.redis.RedisBackend;
import dev.herald.testing.DeadLetterPlanting;
import dev.herald.testing.Harness;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two operators requeue the same dead letters at the same time, from two connections. */
class DeadLetterRequeueRaceIT {

  private static final int NOTIFICATIONS = 20;
  private static final int RECIPIENTS = 100;

  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  private BulkRun.Summary requeueAll(RedisBackend on, CountDownLatch start) throws Exception {
    DeadLetterStore store = on.deadLetters();
    start.await();
    return new BulkRun(h.time)
        .run(
            new DeadLetterScan(store, on.notifications(), DeadLetterFilter.ALL),
            (slice, now) ->
                store.requeue(
                    slice.stream()
                        .map(d -> new Requeue(new Route(d.notificationId(), d.index()), now))
                        .toList(),
                    false,
                    now),
            new BulkRun.Options(
                0, Pacer.unlimited(h.time), () -> false, BulkRun.Progress.NONE, d -> {}));
  }

  @Test
  void two_requeues_racing_over_the_same_dead_letters_publish_each_route_exactly_once()
      throws Exception {
    List<NotificationRequest.Builder> requests = new ArrayList<>();
    for (int n = 0; n < NOTIFICATIONS; n++) {
      requests.add(notification(Harness.recipients("u-" + n + "-", RECIPIENTS)));
    }
    new DeadLetterPlanting(h).streamDown(requests.toArray(NotificationRequest.Builder[]::new));
    int routes = NOTIFICATIONS * RECIPIENTS;

    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    BulkRun.Summary a;
    BulkRun.Summary b;
    try (RedisBackend other = h.anotherProcess()) {
      Future<BulkRun.Summary> first = pool.submit(() -> requeueAll(h.backend, start));
      Future<BulkRun.Summary> second = pool.submit(() -> requeueAll(other, start));
      start.countDown();
      a = first.get(60, TimeUnit.SECONDS);
      b = second.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    assertThat(a.changed() + b.changed()).isEqualTo(routes);
    assertThat(a.failed() + b.failed()).isZero();
    assertThat(a.changed() + a.notDead()).isEqualTo(a.matched());
    assertThat(b.changed() + b.notDead()).isEqualTo(b.matched());
    assertThat(h.raw.zcard(h.keys.deadLetters())).isZero();
    assertThat(h.backend.stats().snapshot(h.clock.instant(), List.of()).counter("requeued"))
        .isEqualTo(routes);
    assertThat(h.backend.stats().routeFigures().total("pending")).isEqualTo(routes);

    assertThat(h.drain(h.cycle("w", Harness.settings(500, 1)))).isEqualTo(routes);
    Set<String> events = new HashSet<>();
    h.streamFields().forEach(f -> assertThat(events.add(f.get("event_id"))).isTrue());
    assertThat(events).hasSize(routes);
    System.err.printf(
        "[herald tests] racing requeues of %d: one requeued %d (skipped %d), the other %d"
            + " (skipped %d)%n",
        routes, a.changed(), a.notDead(), b.changed(), b.notDead());
  }
}
