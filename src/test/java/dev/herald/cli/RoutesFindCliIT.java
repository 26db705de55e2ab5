package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code herald routes find --recipient}: the lookup the console offers, through the recipient
 * index that {@code herald submit} keeps when the config turns it on, and exit 78 while it is off.
 */
class RoutesFindCliIT {

  @TempDir Path dir;

  private String config(String ns, boolean index) throws Exception {
    Path file = dir.resolve(index ? "on.yaml" : "off.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "redis:",
            "  url: " + TestRedis.heraldUrl(),
            "namespace: " + ns,
            "gateway:",
            "  stream: " + ns + ":gw",
            "channels:",
            "  push: {stream: " + ns + ":gw}",
            "  email: {stream: " + ns + ":mail}",
            "console:",
            "  listen: 'off'",
            "  recipient-index: " + index,
            ""));
    return file.toString();
  }

  private static String notification(String key, String... recipients) {
    return "{\"type\":\"game.turn_ready\",\"producer\":\"game-engine\",\"idempotency_key\":\""
        + key
        + "\",\"recipients\":[\""
        + String.join("\",\"", recipients)
        + "\"],\"channels\":[\"push\",\"email\"],\"payload\":{}}";
  }

  @Test
  void finds_a_recipients_notifications_newest_first_in_a_table_and_as_json_lines()
      throws Exception {
    String ns = TestRedis.namespace();
    String on = config(ns, true);
    String first =
        CliRun.run(notification("a", "u-1", "u-2"), "submit", "--config", on).out().trim();
    String second = CliRun.run(notification("b", "u-1"), "submit", "--config", on).out().trim();
    CliRun.run(notification("c", "u-3"), "submit", "--config", on);

    CliRun table = CliRun.run("", "routes", "find", "--recipient", "u-1", "--config", on);
    assertThat(table.exitCode()).as(table.err()).isZero();
    assertThat(table.out())
        .contains(first)
        .contains(second)
        .contains("push pending, email pending");
    assertThat(table.out().indexOf(second)).isLessThan(table.out().indexOf(first));
    assertThat(table.out()).contains("2 notification(s) of u-1");

    CliRun json =
        CliRun.run(
            "", "routes", "find", "--recipient", "u-2", "--json", "--limit", "5", "--config", on);
    List<String> lines = json.out().lines().toList();
    assertThat(lines).hasSize(1);
    JsonNode n = new ObjectMapper().readTree(lines.get(0));
    assertThat(n.get("notification_id").asText()).isEqualTo(first);
    assertThat(n.get("routes")).hasSize(2);
    assertThat(n.get("routes").get(0).get("route_id").asText()).isEqualTo("push:u-2");
    assertThat(n.get("routes").get(0).get("status").asText()).isEqualTo("pending");
    assertThat(n.has("accepted_at")).isTrue();

    CliRun none = CliRun.run("", "routes", "find", "--recipient", "nobody", "--config", on);
    assertThat(none.exitCode()).isZero();
    assertThat(none.out()).contains("0 notification(s) of nobody");
    assertThat(
            CliRun.run("", "routes", "find", "--recipient", "u-1", "--limit", "0", "--config", on)
                .exitCode())
        .isEqualTo(2);
  }

  @Test
  void with_the_index_off_it_says_how_to_turn_it_on_and_exits_78() throws Exception {
    String off = config(TestRedis.namespace(), false);
    CliRun.run(notification("a", "u-1"), "submit", "--config", off);
    CliRun find = CliRun.run("", "routes", "find", "--recipient", "u-1", "--config", off);
    assertThat(find.exitCode()).isEqualTo(78);
    assertThat(find.err()).contains("console.recipient-index: true");
    assertThat(find.out()).isEmpty();
  }
}
