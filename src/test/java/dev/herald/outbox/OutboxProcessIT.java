package dev.herald.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.testing.Harness;
import dev.herald.testing.HeraldProcess;
import dev.herald.testing.OutboxRows;
import dev.herald.testing.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real {@code herald run} relaying the outbox: it relays, and it stops in order on SIGTERM. */
class OutboxProcessIT {

  @TempDir Path dir;

  @Test
  void herald_run_relays_the_outbox_and_stops_cleanly_on_sigterm() throws Exception {
    String table = TestPostgres.newTable();
    OutboxRows rows = new OutboxRows(TestPostgres.server(), table);
    try (Harness h = Harness.realTime(dev.herald.testing.TestRedis.url())) {
      Path config =
          h.writeConfig(
              dir,
              "ops:",
              "  listen: 'off'",
              TestPostgres.yaml(TestPostgres.server(), table, "poll-interval: 100ms"));
      try (HeraldProcess herald =
          HeraldProcess.start(dir.resolve("herald.log"), "run", "--config", config.toString())) {
        await().atMost(Duration.ofSeconds(60)).until(() -> herald.logged("outbox relay started"));
        List<Long> ids = rows.insert(OutboxRows.notification("u-1"), "[]");
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> rows.count("pending") == 0 && h.raw.xlen(h.stream) == 1);

        assertThat(herald.terminate(30)).as("exit code on SIGTERM\n%s", herald.log()).isZero();
        assertThat(herald.log())
            .contains("stopping: finishing the batches in hand")
            .contains("Daemon - stopped")
            .doesNotContain(TestPostgres.server().password());
        assertThat(rows.row(ids.get(0)).status()).isEqualTo("relayed");
        assertThat(rows.row(ids.get(1)).status()).isEqualTo("rejected");
      }
    }
  }
}
