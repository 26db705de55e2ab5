package dev.herald.cli;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationRequest;
import dev.herald.domain.RouteState;
import dev.herald.testing.DeadLetterPlanting;
import dev.herald.testing.Harness;
import dev.herald.testing.HeraldProcess;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dead letters to a file and back, as an operator archives them before a purge or moves them to
 * another environment: the real commands, the export in a JVM of a 64 MB heap, the import killed
 * (SIGKILL) twice and finished.
 */
class DeadLetterExportImportIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Dead letters in the volume case: 100,000 (the README's figure), fewer with {@code
   * herald.test.dead-letter-volume} (CI's Redis 6.2 pass, which checks versions, not volume).
   */
  private static final int VOLUME = Integer.getInteger("herald.test.dead-letter-volume", 100_000);

  private static final String VOLUME_TEXT = String.format("%,d", VOLUME);

  @TempDir Path dir;
  private final Harness h = new Harness();
  private final DeadLetterPlanting plant = new DeadLetterPlanting(h);

  @AfterEach
  void close() {
    h.close();
  }

  /** {@code routes} dead letters: notifications of 100 recipients, on two types. */
  private void plantDeadLetters(int routes) {
    List<NotificationRequest.Builder> batch = new ArrayList<>();
    for (int n = 0; n < routes / 100; n++) {
      batch.add(
          notification(Harness.recipients("u-" + n + "-", 100))
              .type(n % 2 == 0 ? "game.turn_ready" : "chat.message")
              .producer(n % 2 == 0 ? "game-engine" : "chat")
              .idempotencyKey("k-" + n)
              .requestId("req-" + n)
              .payloadJson("{\"turn\":" + n + ",\"text\":\"héllo 通知 🎉\",\"x\":1.5}"));
      if (batch.size() == 100) {
        plant.streamDown(batch.toArray(NotificationRequest.Builder[]::new));
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      plant.streamDown(batch.toArray(NotificationRequest.Builder[]::new));
    }
  }

  /** Runs {@code herald <args>} in a JVM of its own with stdout to {@code out}; its exit code. */
  private int command(Path out, String name, String... args) {
    HeraldProcess p = HeraldProcess.command(out, dir.resolve(name + ".log"), "64m", args);
    try {
      return p.waitForExit(300);
    } finally {
      p.close();
    }
  }

  /** Each exported line by its route, less what an import gives anew: the ids, the key. */
  private static Map<String, String> byRoute(Path export, boolean imported) throws Exception {
    Map<String, String> out = new HashMap<>();
    try (BufferedReader in = Files.newBufferedReader(export)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        ObjectNode o = (ObjectNode) JSON.readTree(line);
        String id = o.get("notification_id").asText();
        String route = o.get("route_id").asText();
        o.remove(List.of("route", "notification_id", "index"));
        ((ObjectNode) o.get("notification")).remove("idempotency_key");
        String key = imported ? id + "/" + route : NotificationIds.derived(id, route) + "/" + route;
        assertThat(out.put(key, o.toString())).as("one line per route: %s", key).isNull();
      }
    }
    return out;
  }

  @Test
  void export_purge_import_of_a_volume_of_dead_letters_gives_back_exactly_what_there_was()
      throws Exception {
    plantDeadLetters(VOLUME);
    String config = h.writeConfig(dir).toString();
    Path before = dir.resolve("before.ndjson");
    long exportStart = System.nanoTime();
    assertThat(command(before, "export", "dead-letters", "export", "--config", config)).isZero();
    Duration export = Duration.ofNanos(System.nanoTime() - exportStart);
    assertThat(Files.lines(before).count()).isEqualTo(VOLUME);
    String statsBefore = CliRun.run("", "stats", "--by-type", "--json", "--config", config).out();

    CliRun purge = CliRun.run("", "dead-letters", "purge", "--all", "--yes", "--config", config);
    assertThat(purge.exitCode()).as(purge.err()).isZero();
    assertThat(h.raw.zcard(h.keys.deadLetters())).isZero();

    long importStart = System.nanoTime();
    CliRun in = CliRun.run("", "dead-letters", "import", before.toString(), "--config", config);
    Duration imported = Duration.ofNanos(System.nanoTime() - importStart);
    assertThat(in.exitCode()).as(in.err()).isZero();
    // The figures the README quotes: the export a JVM of its own (start-up included), the import
    // in this one.
    System.err.printf(
        "[herald tests] %s dead letters: export %d ms (own JVM, -Xmx64m), import %d ms%n",
        VOLUME_TEXT, export.toMillis(), imported.toMillis());
    assertThat(in.out())
        .startsWith(
            "import: read "
                + VOLUME_TEXT
                + ", imported "
                + VOLUME_TEXT
                + ", already there 0, left out 0 (still in this store), errors 0");
    assertThat(Files.exists(dir.resolve("before.ndjson.checkpoint"))).isFalse();

    Path after = dir.resolve("after.ndjson");
    assertThat(command(after, "export-again", "dead-letters", "export", "--config", config))
        .isZero();
    // Every dead letter as it was (route, attempts, dead since, each failure, the notification
    // but for its id and idempotency key), under the id derived from its original's.
    Map<String, String> expected = byRoute(before, false);
    Map<String, String> got = byRoute(after, true);
    assertThat(got.keySet()).isEqualTo(expected.keySet());
    assertThat(got).isEqualTo(expected);
    JsonNode was = JSON.readTree(statsBefore);
    JsonNode now =
        JSON.readTree(CliRun.run("", "stats", "--by-type", "--json", "--config", config).out());
    assertThat(now.get("dead_letters")).isEqualTo(was.get("dead_letters"));
    for (String type : List.of("game.turn_ready", "chat.message")) {
      assertThat(now.at("/by_type/" + type + "/dead_letters_by_classification"))
          .isEqualTo(was.at("/by_type/" + type + "/dead_letters_by_classification"));
    }

    // Importing the same file again creates nothing new.
    CliRun again = CliRun.run("", "dead-letters", "import", before.toString(), "--config", config);
    assertThat(again.exitCode()).isZero();
    assertThat(again.out())
        .startsWith("import: read " + VOLUME_TEXT + ", imported 0, already there " + VOLUME_TEXT);
    assertThat(h.raw.zcard(h.keys.deadLetters())).isEqualTo(VOLUME);
  }

  @Test
  void an_import_killed_twice_then_finished_creates_each_route_once() throws Exception {
    plantDeadLetters(3_000);
    String config = h.writeConfig(dir).toString();
    Path file = dir.resolve("dead.ndjson");
    assertThat(command(file, "export", "dead-letters", "export", "--config", config)).isZero();
    assertThat(
            CliRun.run("", "dead-letters", "purge", "--all", "--yes", "--config", config)
                .exitCode())
        .isZero();

    Set<String> expected = new TreeSet<>();
    for (String line : Files.readAllLines(file)) {
      JsonNode o = JSON.readTree(line);
      expected.add(
          NotificationIds.derived(o.get("notification_id").asText(), o.get("route_id").asText())
              + ":0");
    }
    assertThat(expected).hasSize(3_000);
    List<Long> killedAt = new ArrayList<>();
    for (int kill = 1; kill <= 2; kill++) {
      long from = h.raw.zcard(h.keys.deadLetters());
      HeraldProcess p =
          HeraldProcess.command(
              dir.resolve("import-" + kill + ".out"),
              dir.resolve("import-" + kill + ".log"),
              "64m",
              "dead-letters",
              "import",
              file.toString(),
              "--rate",
              "1000",
              "--config",
              config);
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> h.raw.zcard(h.keys.deadLetters()) >= from + 400 || !p.isAlive());
        assertThat(p.isAlive()).as("still importing when killed").isTrue();
        p.kill(); // SIGKILL: no shutdown hook, whatever slice was in flight
      } finally {
        p.close();
      }
      killedAt.add(h.raw.zcard(h.keys.deadLetters()));
    }
    assertThat(killedAt.get(1)).isGreaterThan(killedAt.get(0)).isLessThan(3_000L);
    assertThat(Files.readString(dir.resolve("import-2.log")))
        .contains("import: continuing at line");

    Path last = dir.resolve("import-3.out");
    assertThat(
            command(
                last, "import-3", "dead-letters", "import", file.toString(), "--config", config))
        .isZero();
    assertThat(Files.readString(dir.resolve("import-3.log")))
        .contains("import: continuing at line");
    assertThat(Files.readString(last)).contains("errors 0");
    assertThat(new TreeSet<>(h.raw.zrange(h.keys.deadLetters(), 0, -1))).isEqualTo(expected);
    // Each a notification of one route, a dead letter, once.
    for (String member : List.of(expected.iterator().next())) {
      String id = member.substring(0, member.indexOf(':'));
      assertThat(h.backend.notifications().find(id).orElseThrow().routes())
          .singleElement()
          .satisfies(r -> assertThat(r.state()).isEqualTo(RouteState.DEAD_LETTER));
    }
    assertThat(h.raw.hget(h.keys.stats(), "imported")).isEqualTo("3000");
  }

  @Test
  void into_another_namespace_they_come_back_and_into_the_same_one_unpurged_they_are_left_out()
      throws Exception {
    plantDeadLetters(200);
    String config = h.writeConfig(dir).toString();
    Path file = dir.resolve("dead.ndjson");
    assertThat(command(file, "export", "dead-letters", "export", "--config", config)).isZero();

    CliRun same = CliRun.run("", "dead-letters", "import", file.toString(), "--config", config);
    assertThat(same.exitCode()).isZero();
    assertThat(same.out())
        .startsWith("import: read 200, imported 0, already there 0, left out 200")
        .contains("still in this store (dead_letter): left out");

    try (Harness other = new Harness()) {
      String elsewhere = other.writeConfig(dir.resolve("other")).toString();
      CliRun moved =
          CliRun.run(
              "", "dead-letters", "import", file.toString(), "--requeue", "--config", elsewhere);
      assertThat(moved.exitCode()).as(moved.err()).isZero();
      assertThat(moved.out()).startsWith("import: read 200, imported 200").contains("requeued 200");
      assertThat(other.raw.zcard(other.keys.deadLetters())).isZero();
      assertThat(other.raw.zcard(other.keys.schedule())).isEqualTo(200);
    }
  }

  @Test
  void a_line_that_is_not_an_exported_dead_letter_is_exit_65_naming_the_line_and_field()
      throws Exception {
    String config = h.writeConfig(dir).toString();
    Path file = dir.resolve("bad.ndjson");
    Files.writeString(file, "{\"herald_dead_letter\":1,\"notification_id\":\"nope\"}\n");
    CliRun run = CliRun.run("", "dead-letters", "import", file.toString(), "--config", config);
    assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err())
        .contains("line 1 of " + file + ": notification_id: is not a notification id");
    CliRun missing =
        CliRun.run(
            "", "dead-letters", "import", dir.resolve("none").toString(), "--config", config);
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
  }
}
