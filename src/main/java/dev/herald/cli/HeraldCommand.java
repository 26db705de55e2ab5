package dev.herald.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root {@code herald} command. */
@Command(
    name = "herald",
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT,
    usageHelpWidth = TextTable.DEFAULT_WIDTH,
    versionProvider = Version.class,
    description =
        "Delivers notifications through Redis: schedule, lease, publish, retry, dead-letter.",
    subcommands = {
      RunCommand.class,
      SubmitCommand.class,
      RoutesCommand.class,
      CancelCommand.class,
      IntakeCommand.class,
      OutboxCommand.class,
      DeadLettersCommand.class,
      StatsCommand.class,
      StreamsCommand.class,
      DemoCommand.class,
      BenchCommand.class,
      CompletionCommand.class
    },
    footer = {
      "",
      "Examples:",
      "  herald run --config /etc/herald/herald.yaml",
      "  echo '{...}' | herald submit",
      "  herald stats",
      "  herald dead-letters list --since 2h",
      "  herald <command> --help                  # each command's options and examples",
      "",
      "Exit codes: 0 ok, 1 failure, 2 usage, 3 partial, 65 bad input,",
      "69 Redis unavailable, 78 config. Logs go to stderr, results to stdout.",
    })
public final class HeraldCommand {}
