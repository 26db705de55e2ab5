package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The conventions every command keeps: help with examples, 100 columns, completion. */
class CliConventionsTest {

  private static List<CommandLine> all(CommandLine root) {
    List<CommandLine> out = new ArrayList<>();
    out.add(root);
    root.getSubcommands().values().forEach(sub -> out.addAll(all(sub)));
    return out;
  }

  @Test
  void every_command_has_help_with_examples_within_100_columns() {
    List<CommandLine> commands = all(new CommandLine(new HeraldCommand()));
    assertThat(commands).hasSizeGreaterThanOrEqualTo(11);
    for (CommandLine command : commands) {
      String name = command.getCommandSpec().qualifiedName();
      CliRun help = CliRun.run("", helpArgs(command));
      assertThat(help.exitCode()).as(name).isZero();
      assertThat(help.out()).as(name).containsPattern("Examples[^\\n]*:");
      assertThat(help.out().lines())
          .as(name)
          .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(100));
    }
  }

  private static String[] helpArgs(CommandLine command) {
    List<String> path = new ArrayList<>();
    for (CommandLine c = command; c.getParent() != null; c = c.getParent()) {
      path.add(0, c.getCommandName());
    }
    path.add("--help");
    return path.toArray(String[]::new);
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
  void version_and_exit_codes_are_in_the_root_help() {
    CliRun help = CliRun.run("", "--help");
    assertThat(help.out())
        .contains("Exit codes: 0 ok, 1 failure, 2 usage, 3 partial, 65 bad input,")
        .contains("69 Redis unavailable, 78 config.");
    assertThat(CliRun.run("", "--version").out()).startsWith("herald ");
  }
}
