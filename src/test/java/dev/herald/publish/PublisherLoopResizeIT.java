package dev.herald.publish;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.domain.NotificationRequest;
import dev.herald.testing.Harness;
import dev.herald.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** publisher.workers on reload: the loop grows and shrinks while it publishes. */
class PublisherLoopResizeIT {

  private static long workerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("herald-publisher-") && t.isAlive())
        .count();
  }

  @Test
  void the_loop_grows_and_shrinks_its_workers_and_publishes_every_route_once() {
    try (Harness h = Harness.realTime(TestRedis.url())) {
      PublisherLoop loop =
          h.loop(
              h.backend, 1, Duration.ofMillis(50), Harness.settings(20, 5), PublisherListener.NONE);
      loop.start();
      try {
        assertThat(workerThreads()).isEqualTo(1);
        loop.resize(4);
        assertThat(loop.workers()).isEqualTo(4);
        await().atMost(Duration.ofSeconds(5)).until(() -> workerThreads() == 4);

        List<NotificationRequest> batch = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          batch.add(notification("a-" + i, "b-" + i).build());
        }
        h.intake().submit(batch);
        loop.resize(2); // while the batch is being published
        await().atMost(Duration.ofSeconds(10)).until(() -> workerThreads() == 2);
        await().atMost(Duration.ofSeconds(20)).until(() -> h.raw.xlen(h.stream) == 400);
      } finally {
        assertThat(loop.stop(Duration.ofSeconds(5))).isTrue();
      }
      assertThat(workerThreads()).isZero();
      Set<String> events = new HashSet<>();
      for (Map<String, String> e : h.streamFields()) {
        assertThat(events.add(e.get("event_id"))).as("duplicate %s", e.get("event_id")).isTrue();
      }
      assertThat(events).hasSize(400);
    }
  }
}
