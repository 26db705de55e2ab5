package dev.herald.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "intake",
    description = "Inspect the intents stream producers write notifications to.",
    subcommands = {IntakeRejectedCommand.class},
    footer = {
      "",
      "Examples:",
      "  herald intake rejected",
      "  herald stats                      # intents waiting, unacknowledged per consumer, rejected",
    })
final class IntakeCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: rejected");
  }
}
