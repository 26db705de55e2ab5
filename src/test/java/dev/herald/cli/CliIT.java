package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.testing.HeraldProcess;
import dev.herald.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliIT {

  private static final String VALID =
      "{\"type\":\"game.turn_ready\",\"producer\":\"game-engine\",\"idempotency_key\":\"turn-42\","
          + "\"recipients\":[\"u-1\",\"u-2\",\"u-3\"],\"channels\":[\"push\"],\"payload\":{\"turn\":42},"
          + "\"request_id\":\"req-1\",\"trace_id\":\"tr-1\",\"max_attempts\":5}";

  @TempDir Path dir;
  private String config;

  @BeforeEach
  void writeConfig() throws Exception {
    String ns = TestRedis.namespace();
    Path file = dir.resolve("herald.yaml");
    Files.writeString(
        file,
        "redis:\n  url: "
            + TestRedis.heraldUrl()
            + "\nnamespace: "
            + ns
            + "\ngateway:\n  stream: "
            + ns
            + ":gw\n");
    config = file.toString();
  }

  @Test
  void submit_prints_the_id_and_routes_show_lists_each_route() throws Exception {
    CliRun submit = CliRun.run(VALID, "submit", "--config", config);
    assertThat(submit.exitCode()).as(submit.err()).isZero();
    String id = submit.out().trim();
    assertThat(id).hasSize(26);

    CliRun again = CliRun.run(VALID, "submit", "--config", config, "-");
    assertThat(again.exitCode()).isZero();
    assertThat(again.out().trim()).isEqualTo(id);
    assertThat(again.err()).contains("duplicate");

    CliRun show = CliRun.run("", "routes", "show", "--config", config, id);
    assertThat(show.exitCode()).as(show.err()).isZero();
    assertThat(show.out())
        .contains("notification " + id)
        .contains("push:u-1  pending")
        .contains("push:u-3  pending")
        .contains("0/5");
    assertThat(show.out().lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(100));

    CliRun json = CliRun.run("", "routes", "show", "--json", "--config", config, id);
    JsonNode root = new ObjectMapper().readTree(json.out());
    assertThat(root.get("notification_id").asText()).isEqualTo(id);
    assertThat(root.get("routes")).hasSize(3);
    JsonNode route = root.get("routes").get(0);
    assertThat(route.get("route_id").asText()).isEqualTo("push:u-1");
    assertThat(route.get("status").asText()).isEqualTo("pending");
    assertThat(route.get("attempts").asInt()).isZero();
    assertThat(route.get("max_attempts").asInt()).isEqualTo(5);
    assertThat(route.has("next_attempt_at")).isTrue();
    assertThat(route.has("last_failure")).isTrue();
    assertThat(route.has("published_at")).isTrue();
    assertThat(route.has("stream_entry_id")).isTrue();
  }

  @Test
  void invalid_notifications_are_rejected_with_their_index_field_and_reason() {
    String input =
        VALID + "\n{\"type\":\"t\",\"producer\":\"p\",\"recipients\":[],\"channels\":[\"fax\"]}\n";
    CliRun mixed = CliRun.run(input, "submit", "--config", config);
    assertThat(mixed.exitCode()).isEqualTo(ExitCodes.PARTIAL);
    assertThat(mixed.out().lines()).hasSize(1);
    assertThat(mixed.err())
        .contains("notification[1] rejected: recipients: must not be empty")
        .contains(
            "notification[1] rejected: channels[0]: unknown channel 'fax' (configured: push)");

    CliRun every =
        CliRun.run(
            "{\"type\":\"t\",\"producer\":\"p\",\"sendAt\":1,\"recipients\":[\"u 1\"],"
                + "\"channels\":[\"fax\"]}",
            "submit",
            "--config",
            config);
    assertThat(every.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(every.err())
        .contains("notification[0] rejected: sendAt: unknown field")
        .contains("notification[0] rejected: recipients[0]: contains whitespace at position 1")
        .contains("notification[0] rejected: channels[0]: unknown channel 'fax'");

    CliRun bad = CliRun.run("{not json", "submit", "--config", config);
    assertThat(bad.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(bad.err()).contains("notification[0] rejected: (json): malformed JSON");

    CliRun json = CliRun.run("[" + VALID + ", 5]", "submit", "--json", "--config", config);
    assertThat(json.exitCode()).isEqualTo(ExitCodes.PARTIAL);
    assertThat(json.out())
        .contains("{\"index\":0,\"outcome\":\"duplicate\"")
        .contains(
            "{\"index\":1,\"outcome\":\"rejected\",\"errors\":[{\"field\":\"(notification)\"");
  }

  @Test
  void no_redis_means_exit_69_with_a_hint() throws Exception {
    Path file = dir.resolve("down.yaml");
    Files.writeString(file, "redis:\n  url: redis://127.0.0.1:1\n  timeout: 200ms\n");
    CliRun run = CliRun.run(VALID, "submit", "--config", file.toString());
    assertThat(run.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(run.err())
        .contains("Redis unavailable")
        .contains("hint: check that Redis runs at redis://127.0.0.1:1/0");
  }

  @Test
  void a_bad_config_is_exit_78_naming_every_problem() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "publisher:\n  workers: 0\n  batchsize: 5\n");
    CliRun run =
        CliRun.run("", "routes", "show", "--config", file.toString(), "01JDQ5XKZ7W3M1V9Y4T0R8E6PA");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
    assertThat(run.err())
        .contains("publisher.workers must be between 1 and 64 (was 0)")
        .contains("unknown key publisher.batchsize");
  }

  @Test
  void an_unknown_notification_is_exit_1_and_usage_errors_are_exit_2() {
    CliRun missing =
        CliRun.run("", "routes", "show", "--config", config, "01jdq5xkz7w3m1v9y4t0r8e6pa");
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(missing.err()).contains("no notification 01JDQ5XKZ7W3M1V9Y4T0R8E6PA");
    assertThat(CliRun.run("", "routes", "show").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(CliRun.run("", "frobnicate").exitCode()).isEqualTo(ExitCodes.USAGE);
    CliRun version = CliRun.run("", "--version");
    assertThat(version.exitCode()).isZero();
    assertThat(version.out()).startsWith("herald ");
  }

  @Test
  void a_config_file_without_redis_url_is_refused_unless_it_asks_for_the_embedded_redis()
      throws Exception {
    Path file = dir.resolve("no-url.yaml");
    Files.writeString(file, "namespace: " + TestRedis.namespace() + "\nops:\n  listen: 'off'\n");
    String refused =
        "redis.url is not set: name the Redis Herald should use (redis.url, or HERALD_REDIS_URL),"
            + " or set redis.embedded: true to run on the embedded Redis at 127.0.0.1:6399";
    CliRun stats = CliRun.run("", "stats", "--config", file.toString());
    assertThat(stats.exitCode()).as(stats.err()).isEqualTo(ExitCodes.CONFIG);
    assertThat(stats.err()).contains(refused);

    HeraldProcess run =
        HeraldProcess.start(dir.resolve("run.log"), "run", "--config", file.toString());
    try {
      assertThat(run.waitForExit(30)).as(run.log()).isEqualTo(ExitCodes.CONFIG);
      assertThat(run.log()).contains(refused).doesNotContain("embedded Redis (no config file");
    } finally {
      run.close();
    }

    Path asked = dir.resolve("embedded.yaml");
    Files.writeString(asked, "redis:\n  embedded: true\n  timeout: 200ms\n");
    CliRun embedded = CliRun.run("", "stats", "--config", asked.toString());
    assertThat(embedded.exitCode()).as(embedded.err()).isNotEqualTo(ExitCodes.CONFIG);
    assertThat(embedded.err()).doesNotContain("redis.url is not set");
  }
}
