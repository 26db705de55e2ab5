package dev.herald.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "spool",
    description = "Look into the HTTP API's local spool (spool.dir) and replay it.",
    subcommands = {SpoolStatusCommand.class, SpoolInspectCommand.class, SpoolReplayCommand.class},
    footer = {
      "",
      "Examples:",
      "  herald spool status",
      "  herald spool inspect spool/rejected-segment-00000000000000000003.ndjson",
      "  herald spool replay         # with herald run stopped: into Redis now",
    })
final class SpoolCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing subcommand: status, inspect or replay");
  }
}
