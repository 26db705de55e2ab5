package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.domain.NotificationRequest;
import dev.herald.intake.SubmitResult;
import dev.herald.testing.Harness;
import dev.herald.testing.HeraldProcess;
import dev.herald.testing.TestRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real herald processes of four workers each share 20,000 routes; one is killed with SIGKILL
 * mid-run and started again. Every route must reach the stream exactly once.
 */
class ProcessCrashIT {

  private static final int NOTIFICATIONS = 2_000;
  private static final int RECIPIENTS = 10;
  private static final int ROUTES = NOTIFICATIONS * RECIPIENTS;

  @TempDir Path dir;

  @Test
  void a_process_killed_mid_run_loses_nothing_and_duplicates_nothing() throws Exception {
    try (Harness h = Harness.realTime(TestRedis.url())) {
      Path config =
          h.writeConfig(
              dir,
              "publisher:",
              "  workers: 4",
              "  batch-size: 100",
              "  poll-interval: 100ms",
              "  lease: 2s",
              "  shutdown-grace: 2s",
              "api:",
              "  listen: \'off\'",
              "console:",
              "  listen: 'off'",
              "ops:",
              "  listen: 127.0.0.1:0");
      HeraldProcess first =
          HeraldProcess.start(dir.resolve("first.log"), "run", "--config", config.toString());
      HeraldProcess second =
          HeraldProcess.start(dir.resolve("second.log"), "run", "--config", config.toString());
      HeraldProcess restarted = null;
      try {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> first.logged("publisher started") && second.logged("publisher started"));
        // Due times spread over four seconds, so that the kill lands mid-run.
        Instant start = Instant.now().plusSeconds(2);
        List<NotificationRequest> batch = new ArrayList<>();
        for (int i = 0; i < NOTIFICATIONS; i++) {
          String[] recipients = new String[RECIPIENTS];
          for (int r = 0; r < RECIPIENTS; r++) {
            recipients[r] = "u-" + i + "-" + r;
          }
          batch.add(Harness.notification(recipients).sendAt(start.plusMillis(i * 2L)).build());
        }
        List<SubmitResult> results = h.intake().submit(batch);
        assertThat(results).allMatch(r -> r.outcome() == SubmitResult.Outcome.ACCEPTED);

        await().atMost(Duration.ofSeconds(30)).until(() -> h.raw.xlen(h.stream) >= ROUTES / 4);
        long atKill = h.raw.xlen(h.stream);
        first.kill();
        restarted =
            HeraldProcess.start(dir.resolve("restarted.log"), "run", "--config", config.toString());

        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> h.raw.zcard(h.keys.schedule()) == 0 && h.raw.xlen(h.stream) >= ROUTES);
        System.err.printf(
            "[herald tests] %d routes, killed pid %d after %d were published, all in the stream%n",
            ROUTES, first.pid(), atKill);

        List<Map<String, String>> entries = h.streamFields();
        Set<String> routes = new HashSet<>();
        for (Map<String, String> e : entries) {
          routes.add(e.get("notification_id") + "/" + e.get("route_id"));
        }
        assertThat(routes).as("distinct routes").hasSize(ROUTES);
        assertThat(entries).as("entries, duplicates included").hasSize(ROUTES);

        // A SIGTERM that lands while the JVM is still booting ends it with 143 before Herald
        // can handle it; stop only processes that are up.
        HeraldProcess up = restarted;
        await().atMost(Duration.ofSeconds(30)).until(() -> up.logged("publisher started"));
        assertThat(second.terminate(15)).as("exit code on SIGTERM\n%s", second.log()).isZero();
        assertThat(restarted.terminate(15))
            .as("exit code on SIGTERM\n%s", restarted.log())
            .isZero();
      } finally {
        first.close();
        second.close();
        if (restarted != null) {
          restarted.close();
        }
      }
    }
  }
}
