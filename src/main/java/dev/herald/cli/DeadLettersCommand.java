package dev.herald.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "dead-letters",
    description = {
      "Find, inspect, requeue, purge, export and import dead letters.",
      "Dead letters are routes whose attempts ran out, or whose record is broken.",
    },
    subcommands = {
      DeadLettersListCommand.class,
      DeadLettersShowCommand.class,
      DeadLettersRequeueCommand.class,
      DeadLettersPurgeCommand.class,
      DeadLettersExportCommand.class,
      DeadLettersImportCommand.class
    },
    footer = {
      "",
      "Examples, after an outage of the gateway:",
      "  herald stats                                           # how many, which classification",
      "  herald dead-letters list --since 2h",
      "  herald dead-letters show 01JDQ5XKZ7W3M1V9Y4T0R8E6PA/push:u-1",
      "  herald dead-letters requeue --since 2h --dry-run",
      "  herald dead-letters requeue --since 2h --spread 5m",
      "  herald dead-letters export --until 7d > archive.ndjson        # before a purge",
      "  herald dead-letters import archive.ndjson --config staging.yaml",
      "",
      "Filters (all commands): --type, --channel, --producer, --classification, --since,",
      "--until (ISO-8601 or ago: 2h), --notification. Repeat one to match any of its values.",
    })
final class DeadLettersCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing subcommand: list, show, requeue, purge, export or import");
  }
}
