package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.store.ProcessBoard.Heartbeat;
import dev.herald.testing.Harness;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code herald channels} and {@code herald processes} over the store the daemon uses. */
class ChannelsAndProcessesCliIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  private String config() {
    return h.writeConfig(
            dir, "channels:", "  push:", "    stream: " + h.stream, "    rate-limit: 300")
        .toString();
  }

  @Test
  void pause_limit_resume_and_clear_show_in_channels_list_and_stats() throws Exception {
    String config = config();
    CliRun pause = CliRun.run("", "channels", "pause", "push", "--config", config);
    assertThat(pause.exitCode()).as(pause.err()).isZero();
    assertThat(pause.out()).contains("channel push paused");
    assertThat(h.backend.channelControls().read().get("push").paused()).isTrue();

    JsonNode listed =
        JSON.readTree(CliRun.run("", "channels", "list", "--json", "--config", config).out());
    JsonNode push = listed.get("channels").get(0);
    assertThat(push.get("name").asText()).isEqualTo("push");
    assertThat(push.get("paused").asBoolean()).isTrue();
    assertThat(push.get("paused_by").asText()).startsWith("cli:");
    assertThat(push.get("rate_limit").asLong()).isEqualTo(300);
    assertThat(push.get("rate_limit_source").asText()).isEqualTo("config");

    assertThat(CliRun.run("", "channels", "limit", "push", "50", "--config", config).exitCode())
        .isZero();
    CliRun stats = CliRun.run("", "stats", "--config", config);
    assertThat(stats.out())
        .contains("push")
        .contains("paused since")
        .contains("50 routes/s (operator)");

    assertThat(CliRun.run("", "channels", "resume", "push", "--config", config).out())
        .contains("channel push resumed");
    assertThat(CliRun.run("", "channels", "limit", "push", "--clear", "--config", config).out())
        .contains("limit cleared");
    JsonNode after = JSON.readTree(CliRun.run("", "stats", "--json", "--config", config).out());
    JsonNode channel = after.get("channels").get(0);
    assertThat(channel.get("paused").asBoolean()).isFalse();
    assertThat(channel.get("rate_limit").asLong()).isEqualTo(300);
  }

  @Test
  void an_unknown_channel_or_a_bad_rate_is_refused_naming_it() {
    String config = config();
    CliRun unknown = CliRun.run("", "channels", "pause", "fax", "--config", config);
    assertThat(unknown.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(unknown.err()).contains("channel 'fax' is not configured (configured: push)");
    CliRun zero = CliRun.run("", "channels", "limit", "push", "0", "--config", config);
    assertThat(zero.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(zero.err()).contains("rate limit must be between 1 and");
    assertThat(h.backend.channelControls().read()).isEmpty();
  }

  @Test
  void processes_lists_fresh_heartbeats_and_leaves_out_stale_ones() throws Exception {
    String config = config();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    // What the store decided when the harness beat as this version (the newest format): a process
    // of an earlier version beating now does not lower it (herald:format is sticky).
    int decided = h.backend.processes().storedFormat();
    assertThat(decided).isGreaterThan(3);
    h.backend
        .processes()
        .beat(
            new Heartbeat(
                "gone-1-aa",
                "gone",
                1,
                "dev",
                4,
                now.minusSeconds(90),
                null,
                0,
                now.minusSeconds(40),
                1));
    h.backend
        .processes()
        .beat(
            new Heartbeat(
                "vm-42-ab",
                "vm",
                42,
                "1.2.3",
                4,
                now.minusSeconds(600),
                now.minusSeconds(1),
                123.4,
                now.minusSeconds(2),
                3));

    CliRun text = CliRun.run("", "processes", "--config", config);
    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.out()).contains("vm").contains("42").contains("1.2.3").contains("123.4");
    assertThat(text.out()).doesNotContain("gone");
    assertThat(text.out()).contains("format 3").contains("stored format: " + decided + " (");
    JsonNode json = JSON.readTree(CliRun.run("", "processes", "--json", "--config", config).out());
    assertThat(json.get("processes")).hasSize(1);
    assertThat(json.get("processes").get(0).get("formats").asInt()).isEqualTo(3);
    assertThat(json.get("stored_format").asInt()).isEqualTo(decided);
    assertThat(json.get("processes").get(0).get("workers").asInt()).isEqualTo(4);
    assertThat(h.raw.hexists(h.keys.processes(), "gone-1-aa"))
        .isFalse(); // the next beat dropped it
  }
}
