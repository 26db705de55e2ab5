package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationValidator;
import dev.herald.intake.IntakeCycle;
import dev.herald.intake.IntakeListener;
import dev.herald.store.IntentStream;
import dev.herald.store.redis.RedisBackend;
import dev.herald.testing.RedisTestSupport;
import dev.herald.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;

/** {@code herald cancel} and {@code herald intake rejected}, in-process on a real Redis. */
class IntakeCliIT {

  private static final String LATER =
      "{\"type\":\"game.turn_ready\",\"producer\":\"game-engine\",\"idempotency_key\":\"turn-42\","
          + "\"recipients\":[\"u-1\",\"u-2\"],\"channels\":[\"push\"],"
          + "\"send_at\":\"2099-01-01T00:00:00Z\",\"expires_at\":\"2099-01-02T00:00:00Z\"}";

  @TempDir Path dir;
  private String ns;
  private String config;

  @BeforeEach
  void writeConfig() throws Exception {
    ns = TestRedis.namespace();
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
            "intake:",
            "  stream: " + ns + ":intents",
            "  rejected-stream: " + ns + ":intents:rejected",
            ""));
    config = file.toString();
  }

  @Test
  void cancel_cancels_by_id_or_idempotency_key_and_twice_is_harmless() {
    CliRun submit = CliRun.run(LATER, "submit", "--config", config);
    assertThat(submit.exitCode()).as(submit.err()).isZero();
    String id = submit.out().trim();

    CliRun cancel =
        CliRun.run("", "cancel", "--config", config, id.toLowerCase(java.util.Locale.ROOT));
    assertThat(cancel.exitCode()).as(cancel.err()).isZero();
    assertThat(cancel.out()).isEqualTo(id + ": 2 route(s) cancelled, 0 already published\n");

    CliRun again =
        CliRun.run(
            "",
            "cancel",
            "--config",
            config,
            "--json",
            "--producer",
            "game-engine",
            "--idempotency-key",
            "turn-42");
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.out().trim())
        .isEqualTo("{\"notification_id\":\"" + id + "\",\"cancelled\":0,\"published\":0}");

    CliRun show = CliRun.run("", "routes", "show", "--config", config, id);
    assertThat(show.out()).contains("push:u-1  cancelled").contains("push:u-2  cancelled");
    assertThat(show.out()).contains("expires 2099-01-02 00:00:00Z");
    CliRun json = CliRun.run("", "routes", "show", "--json", "--config", config, id);
    assertThat(json.out()).contains("\"expires_at\":\"2099-01-02T00:00:00Z\"");
    assertThat(json.out().lines()).as("one object on one line").hasSize(1);
  }

  @Test
  void cancel_of_nothing_is_exit_1_a_bad_id_65_and_a_bad_command_line_2() {
    // A notification id, of none stored. (01NOSUCHNOTIFICATION000000 is no id at all: 65 below.)
    CliRun missing = CliRun.run("", "cancel", "--config", config, "01JDQ5XKZ7W3M1V9Y4T0R8E6PA");
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(missing.err()).contains("no notification 01JDQ5XKZ7W3M1V9Y4T0R8E6PA");
    for (String notAnId : new String[] {"01NOSUCHNOTIFICATION000000", "schedule"}) {
      CliRun refused = CliRun.run("", "cancel", "--config", config, notAnId);
      assertThat(refused.exitCode()).as(notAnId).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(refused.err()).contains("'" + notAnId + "' is not a notification id");
    }
    CliRun bad = CliRun.run("", "cancel", "--config", config, "a b");
    assertThat(bad.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(bad.err()).contains("'a b' is not a notification id");
    assertThat(CliRun.run("", "cancel", "--config", config).exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(CliRun.run("", "cancel", "--config", config, "--producer", "p").exitCode())
        .isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void intake_rejected_lists_the_newest_rejections_with_their_reasons() throws Exception {
    CliRun empty = CliRun.run("", "intake", "rejected", "--config", config);
    assertThat(empty.exitCode()).as(empty.err()).isZero();
    assertThat(empty.out()).isEmpty();
    assertThat(empty.err()).contains("no rejected intents in " + ns + ":intents:rejected");

    String first;
    try (RedisClient raw = RedisTestSupport.raw();
        RedisBackend backend = RedisTestSupport.backend(ns, Clock.systemUTC())) {
      IntentStream stream =
          backend.intents(
              new IntentStream.Names(ns + ":intents", "herald", ns + ":intents:rejected", 100),
              Duration.ZERO);
      stream.createGroup();
      first =
          raw.xadd(ns + ":intents", StreamEntryID.NEW_ENTRY, Map.of("intent", "{oops")).toString();
      raw.xadd(
          ns + ":intents",
          StreamEntryID.NEW_ENTRY,
          Map.of("intent", "{\"type\":\"t\",\"producer\":\"p\",\"channels\":[\"push\"]}"));
      raw.xadd(
          ns + ":intents",
          StreamEntryID.NEW_ENTRY,
          Map.of("intent", "{\"type\":\"" + "t".repeat(150) + "\"}")); // a reason past 100
      new IntakeCycle(
              stream,
              () ->
                  new IntakeCycle.Settings(
                      10,
                      Duration.ofSeconds(30),
                      Duration.ofHours(1),
                      new NotificationValidator(Set.of("push"), 1000)),
              new NotificationIds(),
              Clock.systemUTC(),
              IntakeListener.NONE,
              "test-1")
          .runOnce(Duration.ZERO);
    }

    CliRun table = CliRun.run("", "intake", "rejected", "--config", config);
    assertThat(table.exitCode()).as(table.err()).isZero();
    assertThat(table.out().lines().toList().get(0)).startsWith("REJECTED").contains("REASON");
    assertThat(table.out()).contains("recipients: is required").contains("(json): malformed JSON");
    // Off a terminal (a pipe, as in `herald intake rejected | cat`) nothing is cut.
    assertThat(table.out()).contains("{\"type\":\"" + "t".repeat(150) + "\"}");

    CliRun json =
        CliRun.run("", "intake", "rejected", "--config", config, "--json", "--limit", "2");
    List<String> lines = json.out().lines().toList();
    assertThat(lines).as("JSON Lines, newest first").hasSize(2);
    JsonNode newest = new ObjectMapper().readTree(lines.get(1));
    assertThat(newest.get("reason").asText()).isEqualTo("recipients: is required");
    assertThat(newest.get("fields").get("intent").asText()).contains("\"producer\":\"p\"");

    CliRun all = CliRun.run("", "intake", "rejected", "--config", config, "--json", "--limit", "0");
    assertThat(all.out().lines()).hasSize(3);
    JsonNode oldest = new ObjectMapper().readTree(all.out().lines().toList().get(2));
    assertThat(oldest.get("source_id").asText()).isEqualTo(first);
    assertThat(oldest.get("fields").get("intent").asText()).isEqualTo("{oops");
  }

  @Test
  void stats_shows_the_intents_waiting_unacknowledged_per_consumer_and_rejected() throws Exception {
    CliRun before = CliRun.run("", "stats", "--config", config);
    assertThat(before.exitCode()).as(before.err()).isZero();
    assertThat(before.out())
        .contains("intake from " + ns + ":intents")
        .contains("no consumer group yet: herald run creates it");

    try (RedisClient raw = RedisTestSupport.raw();
        RedisBackend backend = RedisTestSupport.backend(ns, Clock.systemUTC())) {
      IntentStream stream =
          backend.intents(
              new IntentStream.Names(ns + ":intents", "herald", ns + ":intents:rejected", 100),
              Duration.ZERO);
      stream.createGroup();
      for (int i = 0; i < 3; i++) {
        raw.xadd(ns + ":intents", StreamEntryID.NEW_ENTRY, Map.of("intent", LATER));
      }
      stream.read("host-1", 2, Duration.ZERO); // two read, not settled: unacknowledged
    }

    CliRun text = CliRun.run("", "stats", "--config", config);
    assertThat(text.out())
        .containsPattern("waiting +3 +intents")
        .containsPattern("unacknowledged +2 ")
        .containsPattern("host-1 +2")
        .containsPattern("rejected +0 ");
    assertThat(text.out().lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(100));
    JsonNode intake =
        new ObjectMapper()
            .readTree(CliRun.run("", "stats", "--config", config, "--json").out())
            .get("intake");
    assertThat(intake.get("stream").asText()).isEqualTo(ns + ":intents");
    assertThat(intake.get("length").asLong()).isEqualTo(3);
    assertThat(intake.get("group_exists").asBoolean()).isTrue();
    assertThat(intake.get("pending").asLong()).isEqualTo(2);
    assertThat(intake.get("pending_by_consumer").get("host-1").asLong()).isEqualTo(2);
    assertThat(intake.get("rejected_total").asLong()).isZero();
    assertThat(intake.get("rejected_stream_length").asLong()).isZero();
  }
}
