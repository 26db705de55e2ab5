package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.store.BreakerBoard;
import dev.herald.store.BreakerBoard.StreamBreaker;
import dev.herald.testing.Harness;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code herald stats} shows the stream breakers running processes report open. */
class StatsBreakersIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  @Test
  void stats_shows_each_open_breaker_with_its_process_and_leaves_out_stale_reports()
      throws Exception {
    String config = h.writeConfig(dir).toString();
    BreakerBoard board = h.backend.breakers();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS); // the command's clock
    board.report(
        "gone-host-9-zz",
        now.minusSeconds(45),
        List.of(
            new StreamBreaker(
                "old:stream",
                "gone-host-9-zz",
                now.minusSeconds(60),
                now.minusSeconds(45),
                "OOM")));
    board.report(
        "host-1-42-ab",
        now.minusSeconds(2),
        List.of(
            new StreamBreaker(
                h.stream,
                "host-1-42-ab",
                now.minusSeconds(75),
                now.minusSeconds(2),
                "WRONGTYPE Operation against a key holding the wrong kind of value")));

    CliRun text = CliRun.run("", "stats", "--config", config);
    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.out())
        .contains("stream breakers (open: its routes wait, uncharged, while one probes the stream)")
        .containsPattern(h.stream + " +open since .* \\(1m 1[45]s\\), in host-1-42-ab, reported")
        .contains("    WRONGTYPE Operation against a key holding the wrong kind of value")
        .doesNotContain("old:stream");
    assertThat(text.out()).containsPattern("in host-1-42-ab, reported \\d+s ago\n");

    JsonNode json = JSON.readTree(CliRun.run("", "stats", "--json", "--config", config).out());
    assertThat(json.get("breakers")).hasSize(1);
    JsonNode b = json.get("breakers").get(0);
    assertThat(b.get("stream").asText()).isEqualTo(h.stream);
    assertThat(b.get("process").asText()).isEqualTo("host-1-42-ab");
    assertThat(b.get("open_since").asText()).isEqualTo(now.minusSeconds(75).toString());
    assertThat(b.get("reported_at").asText()).isEqualTo(now.minusSeconds(2).toString());
    assertThat(b.get("reason").asText()).startsWith("WRONGTYPE");

    board.report("host-1-42-ab", now, List.of()); // closed
    assertThat(CliRun.run("", "stats", "--config", config).out())
        .contains(
            "stream breakers (open: its routes wait, uncharged, while one probes the stream)\n  none open");
  }
}
