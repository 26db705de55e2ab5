package dev.herald.cli;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.testing.DeadLetterPlanting;
import dev.herald.testing.Harness;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every command shares: ids read as people paste them, one exit code per kind of mistake,
 * {@code --limit 0} for all, and one JSON rule (JSON Lines for lists, one object otherwise).
 */
class CliConsistencyIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final Harness h = new Harness();
  private String config;
  private String id;

  @BeforeEach
  void plant() {
    config = h.writeConfig(dir).toString();
    id = new DeadLetterPlanting(h).streamDown(notification("u-1", "u-2")).get(0);
  }

  @AfterEach
  void close() {
    h.close();
  }

  private CliRun cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--config");
    all.add(config);
    return CliRun.run("", all.toArray(String[]::new));
  }

  @Test
  void every_form_the_cli_prints_is_read_back_in_any_case() {
    String lower = id.toLowerCase();
    CliRun show = cli("routes", "show", lower);
    assertThat(show.exitCode()).as(show.err()).isZero();
    assertThat(show.out()).contains("notification " + id).contains("push:u-2");

    CliRun one = cli("routes", "show", lower + "/push:u-1");
    assertThat(one.exitCode()).as(one.err()).isZero();
    assertThat(one.out())
        .contains("push:u-1  dead_letter")
        .doesNotContain("push:u-2  ")
        .contains("(1 of its 2 routes; all of them: herald routes show " + id + ")");

    assertThat(cli("dead-letters", "show", lower + "/push:u-2").exitCode()).isZero();
    assertThat(cli("dead-letters", "list", "--notification", lower).out())
        .contains(id + "/push:u-1");

    CliRun requeue = cli("dead-letters", "requeue", lower, "--dry-run");
    assertThat(requeue.exitCode()).as(requeue.err()).isZero();
    assertThat(requeue.out()).contains("would requeue 2 dead letter(s)");

    CliRun cancel = cli("cancel", id + "/push:u-1");
    assertThat(cancel.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(cancel.err())
        .contains("names a route; cancel cancels every route not published yet of a notification")
        .contains("give " + id);
  }

  @Test
  void a_malformed_id_is_65_in_every_command_and_a_bad_option_value_2() {
    String[][] malformed = {
      {"routes", "show", "not-an-id"},
      {"routes", "show", id + "/no-colon"},
      {"cancel", "a b"},
      {"dead-letters", "show", "not-an-id/push:u-1"},
      {"dead-letters", "requeue", "not-an-id/push:u-1"},
      {"dead-letters", "purge", "--yes", "schedule"},
      {"dead-letters", "list", "--notification", "schedule"},
      {"dead-letters", "export", "--notification", "schedule"},
    };
    for (String[] args : malformed) {
      CliRun run = cli(args);
      assertThat(run.exitCode()).as(String.join(" ", args) + "\n" + run.err()).isEqualTo(65);
      assertThat(run.err()).as(String.join(" ", args)).containsAnyOf("is not", "must look like");
    }
    String[][] usage = {
      {"dead-letters", "list", "--limit", "-1"},
      {"dead-letters", "requeue", "--all", "--limit", "-1"},
      {"dead-letters", "purge", "--all", "--limit", "-1"},
      {"dead-letters", "export", "--limit", "-1"},
      {"intake", "rejected", "--limit", "-1"},
      {"dead-letters", "list", "--since", "yesterday"},
      {"dead-letters", "requeue", "--all", "--rate", "-5"},
      {"dead-letters", "import", "x.ndjson", "--rate", "-5"},
      {"routes", "show"},
      {"dead-letters", "requeue"},
    };
    for (String[] args : usage) {
      CliRun run = cli(args);
      assertThat(run.exitCode()).as(String.join(" ", args) + "\n" + run.err()).isEqualTo(2);
      assertThat(run.err()).as(String.join(" ", args)).contains("usage: herald ");
    }
    CliRun missing = cli("routes", "show", "01JDQ5XKZ7W3M1V9Y4T0R8E6PA");
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.FAILURE);
  }

  @Test
  void limit_0_is_all_wherever_there_is_a_limit() throws Exception {
    assertThat(cli("dead-letters", "list", "--limit", "0", "--json").out().lines()).hasSize(2);
    assertThat(cli("dead-letters", "export", "--limit", "0").out().lines()).hasSize(2);
    assertThat(cli("intake", "rejected", "--limit", "0").exitCode()).isZero();
    assertThat(cli("dead-letters", "requeue", "--all", "--limit", "0", "--dry-run").out())
        .contains("would requeue 2");
  }

  @Test
  void json_is_json_lines_for_lists_and_one_object_on_one_line_otherwise() throws Exception {
    String[][] lists = {
      {"dead-letters", "list", "--json"},
      {"dead-letters", "export"},
      {"intake", "rejected", "--json"}
    };
    for (String[] args : lists) {
      for (String line : cli(args).out().lines().toList()) {
        assertThat(JSON.readTree(line).isObject()).as(String.join(" ", args)).isTrue();
      }
    }
    String[][] objects = {
      {"stats", "--json"},
      {"stats", "--json", "--by-type"},
      {"routes", "show", "--json", id},
      {"dead-letters", "show", "--json", id + "/push:u-1"},
      {"dead-letters", "requeue", "--json", "--dry-run", "--all"},
      {"dead-letters", "purge", "--json", "--dry-run", "--all"},
    };
    for (String[] args : objects) {
      CliRun run = cli(args);
      assertThat(run.exitCode()).as(String.join(" ", args) + run.err()).isZero();
      assertThat(run.out().lines()).as(String.join(" ", args)).hasSize(1);
      JsonNode o = JSON.readTree(run.out());
      assertThat(o.isObject()).isTrue();
    }
    CliRun submit =
        CliRun.run(
            "{\"type\":\"t\",\"producer\":\"p\",\"recipients\":[\"u\"],\"channels\":[\"push\"]}\n"
                + "{\"type\":\"t\"}",
            "submit",
            "--json",
            "--config",
            config);
    assertThat(submit.out().lines()).hasSize(2);
    assertThat(JSON.readTree(submit.out().lines().toList().get(1)).get("outcome").asText())
        .isEqualTo("rejected");
  }
}
