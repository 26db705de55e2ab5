package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.testing.Harness;
import dev.herald.testing.HeraldProcess;
import dev.herald.testing.TestRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;

/**
 * A real {@code herald run} reads the intents stream: intents written with a plain XADD are
 * published, and the intents a dead consumer left unacknowledged are taken over and published
 * exactly once.
 */
class IntakeProcessIT {

  @TempDir Path dir;

  @Test
  void herald_run_publishes_xadded_intents_and_takes_over_those_a_dead_consumer_left()
      throws Exception {
    try (Harness h = Harness.realTime(TestRedis.url())) {
      String intents = h.namespace + ":intents";
      Path config =
          h.writeConfig(
              dir,
              "publisher:",
              "  workers: 1",
              "  poll-interval: 100ms",
              "intake:",
              "  stream: " + intents,
              "  rejected-stream: " + intents + ":rejected",
              "  claim-idle: 1s",
              "api:",
              "  listen: \'off\'",
              "console:",
              "  listen: 'off'",
              "ops:",
              "  listen: 127.0.0.1:0");
      // A consumer that read 20 intents and died before acknowledging any.
      h.raw.xgroupCreate(intents, "herald", new StreamEntryID(0, 0), true);
      for (int i = 0; i < 20; i++) {
        xadd(h, intents, "dead-" + i);
      }
      var read =
          h.raw.xreadGroup(
              "herald",
              "dead-host-4242",
              XReadGroupParams.xReadGroupParams().count(100),
              Map.of(intents, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
      assertThat(read.get(0).getValue()).hasSize(20);

      try (HeraldProcess herald =
          HeraldProcess.start(dir.resolve("herald.log"), "run", "--config", config.toString())) {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> herald.logged("intake started") && herald.logged("publisher started"));
        for (int i = 0; i < 30; i++) {
          xadd(h, intents, "live-" + i);
        }
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> h.raw.xlen(h.stream) >= 50 && h.raw.xlen(intents) == 0);

        List<Map<String, String>> entries = h.streamFields();
        Set<String> users = new HashSet<>();
        entries.forEach(e -> users.add(e.get("user_id")));
        assertThat(users).hasSize(50).contains("dead-0", "dead-19", "live-0", "live-29");
        assertThat(entries).as("entries, repeats included").hasSize(50);
        assertThat(h.raw.xpending(intents, "herald").getTotal()).isZero();
        assertThat(herald.log()).contains("took over");
        assertThat(herald.terminate(15)).as("exit code on SIGTERM\n%s", herald.log()).isZero();
      }
    }
  }

  private static void xadd(Harness h, String intents, String recipient) {
    h.raw.xadd(
        intents,
        StreamEntryID.NEW_ENTRY,
        Map.of(
            "intent",
            "{\"type\":\"game.turn_ready\",\"producer\":\"game-engine\",\"recipients\":[\""
                + recipient
                + "\"],\"channels\":[\"push\"],\"payload\":{\"turn\":42}}"));
  }
}
