package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.config.ConfigLoader;
import dev.herald.daemon.Stores;
import dev.herald.domain.Channel;
import dev.herald.domain.Channels;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationRequest;
import dev.herald.domain.Shards;
import dev.herald.intake.SubmitResult;
import dev.herald.publish.EventEncoder;
import dev.herald.publish.PublishCycle;
import dev.herald.publish.PublisherListener;
import dev.herald.store.DeadLetterStore.Page;
import dev.herald.store.DeadLetterStore.Window;
import dev.herald.testing.Harness;
import dev.herald.testing.HeraldProcess;
import dev.herald.testing.RedisClusterSet;
import dev.herald.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI on a 16-shard layout on a real Redis Cluster: each command finds a notification by its id
 * or idempotency key, and gathers dead letters and figures from every shard.
 */
class ClusterCliIT {

  private static RedisClusterSet cluster;

  @TempDir Path dir;

  @BeforeAll
  static void startCluster() {
    cluster = RedisClusterSet.start();
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  private String writeConfig(String... extra) throws Exception {
    String ns = TestRedis.namespace();
    List<String> lines = new ArrayList<>(cluster.redisYaml(16));
    lines.addAll(
        List.of(
            "namespace: " + ns, "gateway:", "  stream: " + ns + ":gw", "intake:", "  stream: off"));
    lines.addAll(List.of(extra));
    Path file = dir.resolve("herald.yaml");
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file.toString();
  }

  @Test
  void dead_letters_of_every_shard_are_listed_requeued_and_purged_and_stats_sum_the_shards()
      throws Exception {
    String config = writeConfig();
    List<String> ids = new ArrayList<>();
    try (Stores stores =
        new Stores(new ConfigLoader(Map.of()).load(Path.of(config)), Clock.systemUTC(), 4)) {
      ids.addAll(plantDeadLetters(stores, 40));
    }
    Set<Integer> shards = new HashSet<>();
    ids.forEach(id -> shards.add(new Shards(16).ofId(id)));
    assertThat(shards).hasSize(16);

    CliRun list =
        CliRun.run("", "dead-letters", "list", "--json", "--limit", "0", "--config", config);
    assertThat(list.exitCode()).as(list.err()).isZero();
    Set<String> listed = new HashSet<>();
    for (String line : list.out().lines().toList()) {
      JsonNode d = new ObjectMapper().readTree(line);
      listed.add(d.get("notification_id").asText() + "/" + d.get("route_id").asText());
    }
    assertThat(listed).hasSize(80);

    CliRun paged =
        CliRun.run("", "dead-letters", "list", "--json", "--limit", "7", "--config", config);
    assertThat(paged.out().lines()).hasSize(7);

    CliRun show =
        CliRun.run("", "dead-letters", "show", "--config", config, ids.get(5) + "/push:u-5-0");
    assertThat(show.exitCode()).as(show.err()).isZero();
    assertThat(show.out()).contains(ids.get(5));

    JsonNode stats = stats(config);
    assertThat(stats.get("dead_letters").get("total").asLong()).as("%s", stats).isEqualTo(80);

    CliRun requeue = CliRun.run("", "dead-letters", "requeue", "--all", "--config", config);
    assertThat(requeue.exitCode()).as(requeue.err() + requeue.out()).isZero();
    assertThat(stats(config).get("dead_letters").get("total").asLong()).isZero();

    try (Stores stores =
        new Stores(new ConfigLoader(Map.of()).load(Path.of(config)), Clock.systemUTC(), 4)) {
      drainUnencodable(stores);
    }
    assertThat(stats(config).get("dead_letters").get("total").asLong()).isEqualTo(80);
    CliRun purge = CliRun.run("", "dead-letters", "purge", "--all", "--yes", "--config", config);
    assertThat(purge.exitCode()).as(purge.err() + purge.out()).isZero();
    assertThat(stats(config).get("dead_letters").get("total").asLong()).isZero();
  }

  @Test
  void routes_show_and_cancel_find_a_notification_by_its_id_and_by_its_idempotency_key()
      throws Exception {
    String config = writeConfig();
    String notification =
        "{\"type\":\"game.turn_ready\",\"producer\":\"game-engine\",\"idempotency_key\":\"turn-42\","
            + "\"recipients\":[\"u-1\",\"u-2\"],\"channels\":[\"push\"],"
            + "\"send_at\":\"2099-01-01T00:00:00Z\"}";
    CliRun submit = CliRun.run(notification, "submit", "--config", config);
    assertThat(submit.exitCode()).as(submit.err()).isZero();
    String id = submit.out().trim();
    assertThat(new Shards(16).ofId(id))
        .isEqualTo(new Shards(16).ofIdempotencyKey("game-engine", "turn-42"));
    CliRun again = CliRun.run(notification, "submit", "--config", config);
    assertThat(again.out().trim()).isEqualTo(id);

    CliRun show = CliRun.run("", "routes", "show", "--config", config, id);
    assertThat(show.exitCode()).as(show.err()).isZero();
    assertThat(show.out()).contains("push:u-1  pending").contains("push:u-2  pending");

    CliRun cancel =
        CliRun.run(
            "",
            "cancel",
            "--json",
            "--producer",
            "game-engine",
            "--idempotency-key",
            "turn-42",
            "--config",
            config);
    assertThat(cancel.exitCode()).as(cancel.err()).isZero();
    assertThat(new ObjectMapper().readTree(cancel.out()).get("cancelled").asInt()).isEqualTo(2);

    CliRun streams = CliRun.run("", "streams", "--json", "--config", config);
    JsonNode push = new ObjectMapper().readTree(streams.out()).get("channels").get(0);
    assertThat(push.get("streams")).hasSize(16);
    assertThat(push.get("streams").get(0).asText()).startsWith(push.get("stream").asText() + ":{");
  }

  @Test
  void dead_letters_of_every_shard_are_imported_into_their_sources_shard_once_and_resume()
      throws Exception {
    String config = writeConfig();
    Stores stores =
        new Stores(new ConfigLoader(Map.of()).load(Path.of(config)), Clock.systemUTC(), 4);
    try (stores) {
      plantDeadLetters(stores, 40);
      Path file = dir.resolve("dead.ndjson");
      CliRun export = CliRun.run("", "dead-letters", "export", "--config", config);
      assertThat(export.exitCode()).as(export.err()).isZero();
      Files.writeString(file, export.out());
      assertThat(export.out().lines()).hasSize(80);

      // Their sources are still here: each is left out, in its own shard.
      CliRun unpurged =
          CliRun.run("", "dead-letters", "import", file.toString(), "--config", config);
      assertThat(unpurged.out()).as(unpurged.err()).contains("left out 80");
      assertThat(stores.backend().deadLetters().count(Window.ALL)).isEqualTo(80);

      CliRun purge = CliRun.run("", "dead-letters", "purge", "--all", "--yes", "--config", config);
      assertThat(purge.exitCode()).as(purge.err() + purge.out()).isZero();
      assertThat(stores.backend().deadLetters().count(Window.ALL)).isZero();

      // Killed part-way (SIGKILL), then run again: it continues, and each is there once.
      HeraldProcess killed =
          HeraldProcess.command(
              dir.resolve("import-1.out"),
              dir.resolve("import-1.log"),
              "64m",
              "dead-letters",
              "import",
              file.toString(),
              "--rate",
              "20",
              "--config",
              config);
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> stores.backend().deadLetters().count(Window.ALL) >= 20 || !killed.isAlive());
        assertThat(killed.isAlive()).as("still importing when killed").isTrue();
        killed.kill();
      } finally {
        killed.close();
      }
      CliRun resumed =
          CliRun.run("", "dead-letters", "import", file.toString(), "--config", config);
      assertThat(resumed.exitCode()).as(resumed.err() + resumed.out()).isZero();
      assertThat(resumed.err()).contains("import: continuing at line");
      assertThat(stores.backend().deadLetters().count(Window.ALL)).isEqualTo(80);

      CliRun again = CliRun.run("", "dead-letters", "import", file.toString(), "--config", config);
      assertThat(again.out()).as(again.err()).contains("already there 80");
      Page page = stores.backend().deadLetters().page(Window.ALL, null, 100);
      assertThat(page.deadLetters()).hasSize(80);
      Shards layout = new Shards(16);
      Set<Integer> shards = new HashSet<>();
      Set<String> ids = new HashSet<>();
      for (String line : Files.readAllLines(file)) {
        JsonNode o = new ObjectMapper().readTree(line);
        String source = o.get("notification_id").asText();
        String id = NotificationIds.derivedInShardOf(source, o.get("route_id").asText());
        assertThat(layout.ofId(id)).isEqualTo(layout.ofId(source));
        shards.add(layout.ofId(id));
        ids.add(id);
      }
      assertThat(shards).hasSize(16);
      assertThat(page.deadLetters()).allSatisfy(d -> assertThat(ids).contains(d.notificationId()));
    }
  }

  @Test
  void routes_find_gathers_a_recipients_notifications_from_every_shard() throws Exception {
    String config = writeConfig("console:", "  listen: 'off'", "  recipient-index: true");
    StringBuilder batch = new StringBuilder();
    for (int i = 0; i < 24; i++) {
      batch.append(
          "{\"type\":\"game.turn_ready\",\"producer\":\"game-engine\",\"recipients\":[\"u-c\",\"u-"
              + i
              + "\"],\"channels\":[\"push\"],\"send_at\":\"2099-01-01T00:00:00Z\"}\n");
    }
    CliRun submit = CliRun.run(batch.toString(), "submit", "--config", config);
    assertThat(submit.exitCode()).as(submit.err()).isZero();
    List<String> ids = submit.out().lines().toList();
    assertThat(ids).hasSize(24);

    CliRun find =
        CliRun.run(
            "",
            "routes",
            "find",
            "--recipient",
            "u-c",
            "--json",
            "--limit",
            "100",
            "--config",
            config);
    assertThat(find.exitCode()).as(find.err()).isZero();
    List<String> found = new ArrayList<>();
    java.util.Set<Integer> shards = new java.util.HashSet<>();
    for (String line : find.out().lines().toList()) {
      String id = new ObjectMapper().readTree(line).get("notification_id").asText();
      found.add(id);
      shards.add(new Shards(16).ofId(id));
    }
    assertThat(found).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(shards).hasSizeGreaterThan(4);
  }

  private static JsonNode stats(String config) throws Exception {
    CliRun stats = CliRun.run("", "stats", "--json", "--config", config);
    assertThat(stats.exitCode()).as(stats.err()).isZero();
    return new ObjectMapper().readTree(stats.out());
  }

  /** Submits {@code n} two-route notifications of one attempt and dead-letters every route. */
  private static List<String> plantDeadLetters(Stores stores, int n) {
    List<NotificationRequest> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(Harness.notification("u-" + i + "-0", "u-" + i + "-1").maxAttempts(1).build());
    }
    List<String> ids = new ArrayList<>();
    for (SubmitResult r : stores.intake().submit(batch)) {
      assertThat(r.outcome()).isEqualTo(SubmitResult.Outcome.ACCEPTED);
      ids.add(r.notificationId());
    }
    drainUnencodable(stores);
    return ids;
  }

  /** Publishes what is due with no push channel configured: each route a dead letter. */
  private static void drainUnencodable(Stores stores) {
    PublishCycle cycle =
        new PublishCycle(
            stores.backend().routes(),
            new EventEncoder(new Channels(List.of(new Channel("email", "mail", 10)))),
            () -> Harness.settings(500, 1),
            stores.clock(),
            PublisherListener.NONE,
            "planter");
    while (cycle.runOnce().claimed() > 0) {
      // until nothing is due
    }
  }
}
