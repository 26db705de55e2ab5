package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The conventions every command keeps: help with examples of its own, descriptions in whole
 * sentences, within 100 columns; short usage errors; completion that offers what the options take.
 */
class CliConventionsTest {

  private static List<CommandLine> all(CommandLine root) {
    List<CommandLine> out = new ArrayList<>();
    out.add(root);
    root.getSubcommands().values().forEach(sub -> out.addAll(all(sub)));
    return out;
  }

  private static List<CommandLine> commands() {
    return all(HeraldCommand.commandLine());
  }

  private static List<String> path(CommandLine command) {
    List<String> path = new ArrayList<>();
    for (CommandLine c = command; c.getParent() != null; c = c.getParent()) {
      path.add(0, c.getCommandName());
    }
    return path;
  }

  private static String[] with(CommandLine command, String... more) {
    List<String> args = path(command);
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void every_command_has_help_with_examples_of_its_own_within_100_columns() {
    String rootExample = "  herald run --config /etc/herald/herald.yaml";
    List<CommandLine> commands = commands();
    assertThat(commands).hasSizeGreaterThanOrEqualTo(11);
    for (CommandLine command : commands) {
      String name = command.getCommandSpec().qualifiedName();
      CliRun help = CliRun.run("", with(command, "--help"));
      assertThat(help.exitCode()).as(name).isZero();
      assertThat(help.out()).as(name).containsPattern("Examples[^\\n]*:");
      assertThat(help.out().lines())
          .as(name)
          .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(100));
      if (command.getParent() != null && !name.equals("herald run")) {
        assertThat(help.out()).as(name + ": the root's examples").doesNotContain(rootExample);
      }
    }
  }

  @Test
  void descriptions_are_whole_sentences_and_the_command_list_shows_each_first_one_whole() {
    for (CommandLine command : commands()) {
      String name = command.getCommandSpec().qualifiedName();
      String[] description = command.getCommandSpec().usageMessage().description();
      assertThat(description).as(name).isNotEmpty();
      for (String paragraph : description) {
        assertThat(paragraph).as(name + ": a paragraph cut mid-sentence").endsWith(".");
      }
      if (command.getParent() != null) {
        String list = CliRun.run("", with(command.getParent(), "--help")).out();
        assertThat(list.replaceAll("\\n +", " "))
            .as(name + " in the list of " + command.getParent().getCommandName())
            .contains(description[0]);
      }
    }
  }

  @Test
  void a_usage_error_prints_the_error_the_usage_line_and_where_the_help_is() {
    CliRun run = CliRun.run("", "dead-letters", "list", "--limit", "many");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines().toList())
        .containsExactly(
            "herald: Invalid value for option '--limit': 'many' is not a long",
            "usage: herald dead-letters list [OPTIONS]",
            "see 'herald dead-letters list --help'");
    CliRun unknown = CliRun.run("", "dead-letters", "requeu");
    assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(unknown.err())
        .contains("'requeu' is not a herald dead-letters command")
        .contains("requeue")
        .doesNotContain("Examples");
  }

  @Test
  void completion_offers_only_values_the_options_then_take() {
    for (CommandLine command : commands()) {
      for (OptionSpec option : command.getCommandSpec().options()) {
        Iterable<String> candidates = option.completionCandidates();
        if (candidates == null) {
          continue;
        }
        for (String value : candidates) {
          String[] args = with(command, option.longestName(), value);
          assertThatCode(() -> HeraldCommand.commandLine().parseArgs(args))
              .as(String.join(" ", args))
              .doesNotThrowAnyException();
        }
      }
    }
    String script = CliRun.run("", "completion").out();
    assertThat(script)
        .contains("payload_encoding_failed")
        .doesNotContain("PAYLOAD_ENCODING_FAILED");
  }

  @Test
  void completion_prints_a_bash_script_that_knows_every_command() {
    CliRun run = CliRun.run("", "completion");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .startsWith("#!/usr/bin/env bash")
        .contains("complete -F _complete_herald")
        .contains("dead-letters")
        .contains("requeue")
        .contains("--classification")
        .contains("stats");
  }

  @Test
  void version_exit_codes_and_the_environment_are_in_the_root_help() {
    CliRun help = CliRun.run("", "--help");
    assertThat(help.out())
        .contains(
            "Exit codes: 0 ok, 1 failure or not found, 2 usage, 3 partial, 4 outcome unknown,")
        .contains("65 bad input, 69 Redis unavailable, 78 config.")
        .contains("HERALD_DEBUG=1")
        .contains("HERALD_CONFIG");
    assertThat(CliRun.run("", "--version").out()).startsWith("herald ");
  }

  @Test
  void every_json_option_says_which_of_the_two_shapes_it_prints() {
    for (CommandLine command : commands()) {
      OptionSpec json = command.getCommandSpec().findOption("--json");
      if (json != null) {
        assertThat(String.join(" ", json.description()))
            .as(command.getCommandSpec().qualifiedName())
            .isIn(
                "print one JSON object",
                "print one JSON object per line (JSON Lines)",
                "print one JSON object per line (JSON Lines), a result per notification");
      }
    }
  }
}
