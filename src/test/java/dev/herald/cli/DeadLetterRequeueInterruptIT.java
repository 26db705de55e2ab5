package dev.herald.cli;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.domain.NotificationRequest;
import dev.herald.store.NotificationRecord;
import dev.herald.store.RouteRecord;
import dev.herald.testing.DeadLetterPlanting;
import dev.herald.testing.Harness;
import dev.herald.testing.HeraldProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code herald dead-letters requeue} is stopped with Ctrl-C (SIGINT), another with SIGKILL;
 * the same command run again finishes the job, and every route is published once.
 */
class DeadLetterRequeueInterruptIT {

  private static final int NOTIFICATIONS = 30;
  private static final int RECIPIENTS = 100;
  private static final int ROUTES = NOTIFICATIONS * RECIPIENTS;

  @TempDir Path dir;
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  private long dead() {
    return h.raw.zcard(h.keys.deadLetters());
  }

  /** Each route is a dead letter (state d) exactly when the dead-letter index names it. */
  private void assertEveryRouteWholly(List<String> ids) {
    for (String id : ids) {
      NotificationRecord record = h.backend.notifications().find(id).orElseThrow();
      for (RouteRecord r : record.routes()) {
        boolean indexed = h.raw.zscore(h.keys.deadLetters(), id + ":" + r.index()) != null;
        assertThat(r.state().displayName())
            .as("%s/%s", id, r.routeId())
            .isEqualTo(indexed ? "dead_letter" : "pending");
      }
    }
  }

  @Test
  void
      an_interrupted_requeue_leaves_each_route_whole_and_running_it_again_finishes_without_duplicates()
          throws Exception {
    List<NotificationRequest.Builder> requests = new ArrayList<>();
    for (int n = 0; n < NOTIFICATIONS; n++) {
      requests.add(notification(Harness.recipients("u-" + n + "-", RECIPIENTS)));
    }
    List<String> ids =
        new DeadLetterPlanting(h).streamDown(requests.toArray(NotificationRequest.Builder[]::new));
    Path config = h.writeConfig(dir);
    // 300/s: the 3,000 take ten seconds, so that a loaded machine, slow to see the first slices
    // and to deliver the interrupt, still interrupts it part-way (at 1,000/s a full run once
    // finished first).
    String[] requeue = {
      "dead-letters", "requeue", "--all", "--rate", "300", "--config", config.toString()
    };

    // Ctrl-C: the command stops between slices and says how to go on.
    HeraldProcess first = HeraldProcess.start(dir.resolve("first.log"), requeue);
    await().atMost(Duration.ofSeconds(30)).until(() -> dead() < ROUTES - 300);
    assertThat(first.interrupt(20)).as(first.log()).isEqualTo(ExitCodes.PARTIAL);
    assertThat(first.log())
        .contains("interrupted:")
        .contains("run the same command again to continue");
    long afterInterrupt = dead();
    assertThat(afterInterrupt).isPositive();
    assertEveryRouteWholly(ids);

    // SIGKILL: no chance to finish anything, yet no route is left half requeued.
    HeraldProcess second = HeraldProcess.start(dir.resolve("second.log"), requeue);
    await().atMost(Duration.ofSeconds(30)).until(() -> dead() < afterInterrupt - 300);
    second.kill();
    long afterKill = dead();
    assertThat(afterKill).isPositive();
    assertEveryRouteWholly(ids);

    // The same command again requeues exactly the rest.
    CliRun third =
        CliRun.run("", requeue[0], requeue[1], requeue[2], "--config", config.toString());
    assertThat(third.exitCode()).as(third.err()).isZero();
    assertThat(third.out()).contains(String.format("requeued %,d, skipped 0", afterKill));
    assertThat(dead()).isZero();

    h.clock.set(Instant.now().plusSeconds(1));
    assertThat(h.drain(h.cycle("w", Harness.settings(500, 1)))).isEqualTo(ROUTES);
    Set<String> events = new HashSet<>();
    h.streamFields().forEach(f -> assertThat(events.add(f.get("event_id"))).isTrue());
    assertThat(events).hasSize(ROUTES);
    System.err.printf(
        "[herald tests] requeue of %d: SIGINT left %d dead, SIGKILL left %d, the rerun did the rest%n",
        ROUTES, afterInterrupt, afterKill);
  }
}
