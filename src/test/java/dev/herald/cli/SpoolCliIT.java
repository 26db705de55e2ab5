package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.config.ConfigLoader;
import dev.herald.daemon.Stores;
import dev.herald.domain.Notification;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationRequest;
import dev.herald.spool.Spool;
import dev.herald.spool.SpoolListener;
import dev.herald.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code herald spool status|inspect|replay}, the real commands, on a spool left behind. */
class SpoolCliIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private String config;
  private Path spoolDir;
  private final NotificationIds ids = new NotificationIds();

  @BeforeEach
  void writeConfig() throws Exception {
    String ns = TestRedis.namespace();
    spoolDir = dir.resolve("spool");
    Path file = dir.resolve("herald.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "redis:",
            "  url: " + TestRedis.heraldUrl(),
            "namespace: " + ns,
            "gateway:",
            "  stream: " + ns + ":gw",
            "spool:",
            "  dir: " + spoolDir,
            ""));
    config = file.toString();
  }

  private Notification notification(String channel) {
    Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
    return NotificationRequest.builder()
        .type("game.turn_ready")
        .producer("game-engine")
        .recipients("u-1", "u-2")
        .channels(channel)
        .payloadJson("{\"turn\":42}")
        .build()
        .toNotification(ids.next(now), now);
  }

  private Spool open() throws Exception {
    return Spool.open(
        Stores.spoolOptions(new ConfigLoader(Map.of()).load(Path.of(config))),
        Clock.systemUTC(),
        SpoolListener.NONE);
  }

  @Test
  void status_inspect_and_replay_show_and_drain_what_a_herald_left_in_its_spool() throws Exception {
    Files.createDirectories(spoolDir);
    Files.writeString(spoolDir.resolve("segment-00000000000000000001.ndjson"), "garbage\nmore\n");
    Notification stored = notification("push");
    Notification cancelled = notification("push");
    Notification unknownChannel = notification("sms"); // a channel since removed, say
    try (Spool spool = open()) { // renames the garbage corrupt-*
      spool.append(List.of(stored, cancelled, unknownChannel));
      spool.appendCancel(cancelled.id(), cancelled.producer(), Instant.now());

      CliRun held = CliRun.run("", "spool", "replay", "--config", config);
      assertThat(held.exitCode()).as(held.out()).isEqualTo(ExitCodes.FAILURE);
      assertThat(held.err()).contains("held by another Herald process");
      assertThat(CliRun.run("", "spool", "status", "--config", config).out())
          .contains("held by a running herald");
    }

    CliRun status = CliRun.run("", "spool", "status", "--config", config);
    assertThat(status.exitCode()).as(status.err()).isZero();
    assertThat(status.out()).contains("to replay", "corrupt segments", "no herald holds it");
    JsonNode before =
        JSON.readTree(CliRun.run("", "spool", "status", "--config", config, "--json").out());
    assertThat(before.get("pending").asInt()).isEqualTo(4);
    assertThat(before.get("corrupt_segments").asInt()).isEqualTo(1);

    CliRun inspect = CliRun.run("", "spool", "inspect", "--config", config);
    assertThat(inspect.exitCode()).as(inspect.err()).isZero();
    assertThat(inspect.out())
        .contains(stored.id(), cancelled.id(), unknownChannel.id(), "cancel", "to replay")
        .contains("corrupt", "header unreadable");

    CliRun replay = CliRun.run("", "spool", "replay", "--config", config);
    assertThat(replay.exitCode()).as(replay.out() + replay.err()).isEqualTo(ExitCodes.PARTIAL);
    assertThat(replay.out()).contains("replayed 4 record(s)", "1 set aside", "0 left");

    CliRun shown = CliRun.run("", "routes", "show", "--config", config, cancelled.id());
    assertThat(shown.out()).contains("cancelled").doesNotContain("pending");
    assertThat(CliRun.run("", "routes", "show", "--config", config, stored.id()).out())
        .contains("pending");
    JsonNode after =
        JSON.readTree(CliRun.run("", "spool", "status", "--config", config, "--json").out());
    assertThat(after.get("pending").asInt()).isZero();
    assertThat(after.get("set_aside_records").asInt()).isEqualTo(1);
    String rejected = null;
    for (JsonNode f : after.get("files")) {
      if (f.get("kind").asText().equals("rejected")) {
        rejected = spoolDir.resolve(f.get("file").asText()).toString();
      }
    }
    JsonNode aside =
        JSON.readTree(
            CliRun.run("", "spool", "inspect", "--json", "--config", config, rejected).out());
    JsonNode record = aside.get("files").get(0).get("records").get(0);
    assertThat(record.get("notification_id").asText()).isEqualTo(unknownChannel.id());
    assertThat(record.get("reason").asText()).contains("channels[0]");
    assertThat(record.get("notification").get("channels").get(0).asText()).isEqualTo("sms");

    assertThat(CliRun.run("", "spool", "inspect", "--config", config, "no-such-file").exitCode())
        .isEqualTo(ExitCodes.USAGE);
  }
}
