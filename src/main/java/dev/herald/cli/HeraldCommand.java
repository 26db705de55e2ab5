package dev.herald.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root {@code herald} command. */
@Command(
    name = "herald",
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
      SpoolCommand.class,
      DeadLettersCommand.class,
      StatsCommand.class,
      StreamsCommand.class,
      ChannelsCommand.class,
      ProcessesCommand.class,
      MigrateCommand.class,
      ConsoleCommand.class,
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
      "Config: --config FILE, else $HERALD_CONFIG, else ./config/herald.yaml, else",
      "/etc/herald/herald.yaml, else the embedded Redis at 127.0.0.1:6399.",
      "Environment: HERALD_CONFIG (the config file), HERALD_REDIS_URL (replaces redis.url),",
      "HERALD_REDIS_PASSWORD, HERALD_LOG_LEVEL (when logging.level is unset), HERALD_DEBUG=1",
      "(stack traces of unexpected errors); the launcher: JAVA_HOME, HERALD_OPTS (JVM options).",
      "",
      "Exit codes: 0 ok, 1 failure or not found, 2 usage, 3 partial, 4 outcome unknown,",
      "65 bad input, 69 Redis unavailable, 78 config. Logs go to stderr, results to stdout.",
    })
public final class HeraldCommand {

  /** Columns of the help: the same on every terminal, so that the README can quote it. */
  public static final int HELP_WIDTH = 100;

  /** The command tree with its handlers, as {@code herald} runs it. */
  public static CommandLine commandLine() {
    return new CommandLine(new HeraldCommand())
        .setUsageHelpWidth(HELP_WIDTH) // the whole tree: set once the subcommands are added
        .setParameterExceptionHandler(new UsageErrorHandler())
        .setExecutionExceptionHandler(new ErrorHandler());
  }

  // Every command takes -h/--help (inherited); only the root has --version. The root's other
  // attributes (its footer, its examples) are its own.
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      scope = ScopeType.INHERIT,
      description = "Show this help message and exit.")
  boolean help;

  @Option(
      names = {"-V", "--version"},
      versionHelp = true,
      description = "Print version information and exit.")
  boolean version;
}
