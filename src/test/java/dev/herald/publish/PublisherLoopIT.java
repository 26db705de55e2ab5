package dev.herald.publish;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.domain.NotificationRequest;
import dev.herald.store.redis.RedisBackend;
import dev.herald.testing.Harness;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The loop with real threads and real time: waits are bounded by Awaitility deadlines. */
class PublisherLoopIT {

  private static List<NotificationRequest> notifications(String prefix, int count, int recipients) {
    List<NotificationRequest> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String[] r = new String[recipients];
      for (int j = 0; j < recipients; j++) {
        r[j] = prefix + "-" + i + "-" + j;
      }
      list.add(notification(r).build());
    }
    return list;
  }

  private static void assertEachRouteOnce(Harness h, int expected) {
    List<Map<String, String>> entries = h.streamFields();
    Set<String> events = new HashSet<>();
    for (Map<String, String> e : entries) {
      assertThat(events.add(e.get("event_id"))).as("duplicate %s", e.get("event_id")).isTrue();
    }
    assertThat(entries).hasSize(expected);
  }

  @Test
  void two_loops_in_parallel_publish_5000_routes_each_exactly_once() {
    try (Harness h = Harness.realTime(TestRedis.url());
        RedisBackend second = h.anotherProcess()) {
      h.intake().submit(notifications("u", 500, 10));
      PublishSettings settings = Harness.settings(50, 5);
      PublisherLoop a =
          h.loop(h.backend, 2, Duration.ofMillis(100), settings, PublisherListener.NONE);
      PublisherLoop b = h.loop(second, 2, Duration.ofMillis(100), settings, PublisherListener.NONE);
      a.start();
      b.start();
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> h.raw.xlen(h.stream) >= 5000);
        await().atMost(Duration.ofSeconds(10)).until(() -> h.raw.zcard(h.keys.schedule()) == 0);
      } finally {
        assertThat(a.stop(Duration.ofSeconds(5))).isTrue();
        assertThat(b.stop(Duration.ofSeconds(5))).isTrue();
      }
      assertEachRouteOnce(h, 5000);
    }
  }

  @Test
  void a_route_submitted_by_another_process_wakes_a_sleeping_loop() {
    try (Harness h = Harness.realTime(TestRedis.url());
        RedisBackend producer = h.anotherProcess()) {
      AtomicInteger cycles = new AtomicInteger();
      PublisherLoop loop =
          h.loop(
              h.backend,
              1,
              Duration.ofMinutes(10),
              Harness.settings(100, 5),
              new PublisherListener() {
                @Override
                public void onCycleSucceeded() {
                  cycles.incrementAndGet();
                }
              });
      loop.start();
      try {
        await().atMost(Duration.ofSeconds(5)).until(() -> cycles.get() >= 1);
        // The loop now sleeps for up to ten minutes; only the wake-up can bring it back in time.
        h.intake(producer).submit(List.of(notification("u-1").build()));
        await().atMost(Duration.ofSeconds(2)).until(() -> h.raw.xlen(h.stream) == 1);
      } finally {
        loop.stop(Duration.ofSeconds(5));
      }
    }
  }

  @Test
  void the_loop_carries_on_by_itself_after_redis_restarts() {
    try (RedisServerProcess redis =
            RedisServerProcess.start("--appendonly", "yes", "--appendfsync", "always");
        Harness h = Harness.realTime(redis.url())) {
      PublisherLoop loop =
          h.loop(
              h.backend,
              2,
              Duration.ofMillis(100),
              Harness.settings(50, 5),
              PublisherListener.NONE);
      loop.start();
      try {
        h.intake().submit(notifications("before", 20, 10));
        await().atMost(Duration.ofSeconds(10)).until(() -> h.raw.xlen(h.stream) == 200);

        redis.restart(); // a crash: kill -9, then start on the same port with the same AOF
        long restarted = System.nanoTime();
        await()
            .atMost(Duration.ofSeconds(10))
            .ignoreExceptions()
            .until(
                () ->
                    h.intake().submit(notifications("after", 20, 10)).get(0).notificationId()
                        != null);
        await()
            .atMost(Duration.ofSeconds(10))
            .ignoreExceptions()
            .until(() -> h.raw.xlen(h.stream) == 400);
        System.err.printf(
            "[herald tests] published again %d ms after Redis restarted%n",
            (System.nanoTime() - restarted) / 1_000_000);
      } finally {
        loop.stop(Duration.ofSeconds(5));
      }
      assertEachRouteOnce(h, 400);
    }
  }

  @Test
  void routes_flow_again_within_two_seconds_of_a_refusing_stream_taking_appends() {
    try (Harness h = Harness.realTime(TestRedis.url())) {
      h.raw.hset(h.stream, "this key", "holds a hash, not a stream");
      Waiter waiter = new Waiter(h.time);
      PublisherLoop loop =
          new PublisherSetup(
                  h.backend.routes(),
                  new EventEncoder(h.channels),
                  () -> Harness.settings(500, 1),
                  () -> Duration.ofMillis(100),
                  h.time,
                  PublisherListener.NONE,
                  h.backend.breakers())
              .loop(4, waiter, "loop-it");
      try (AutoCloseable wakeups = h.backend.wakeups().subscribe(waiter::signal, e -> {})) {
        loop.start();
        h.intake().submit(notifications("u", 109, 16)); // 1,744 routes, one attempt each
        // An outage of a few seconds: every route deferred, uncharged, again and again.
        await().atMost(Duration.ofSeconds(30)).until(() -> counter(h, "deferred") >= 3 * 1744);
        assertThat(h.raw.zcard(h.keys.deadLetters())).isZero();

        h.raw.del(h.stream); // the stream takes appends again
        long fixed = System.nanoTime();
        // Flowing again means the first route within 2 s (one probe a second); draining all of
        // them then depends on how busy this machine is, so it gets more room.
        await().atMost(Duration.ofSeconds(2)).until(() -> h.raw.exists(h.stream));
        long flowing = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> h.raw.xlen(h.stream) == 1744);
        System.err.printf(
            "[herald tests] after the stream took appends again: first route in %d ms, all 1,744"
                + " in %d ms%n",
            (flowing - fixed) / 1_000_000, (System.nanoTime() - fixed) / 1_000_000);
      } catch (Exception e) {
        throw new AssertionError(e);
      } finally {
        assertThat(loop.stop(Duration.ofSeconds(5))).isTrue();
      }
      assertEachRouteOnce(h, 1744);
      assertThat(h.raw.hget(h.keys.stats(), "retried")).as("retries counted").isNull();
      assertThat(h.raw.zcard(h.keys.deadLetters())).isZero();
    }
  }

  private static long counter(Harness h, String name) {
    String value = h.raw.hget(h.keys.stats(), name);
    return value == null ? 0 : Long.parseLong(value);
  }
}
