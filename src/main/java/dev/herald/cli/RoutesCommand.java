package dev.herald.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "routes",
    description = "Inspect the routes of a notification.",
    subcommands = {RoutesShowCommand.class, RoutesFindCommand.class},
    footer = {
      "",
      "Examples:",
      "  herald routes show 01JDQ5XKZ7W3M1V9Y4T0R8E6PA",
      "  herald routes show --idempotency-key turn-42 --producer game-engine",
      "  herald routes find --recipient u-42",
    })
final class RoutesCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing subcommand: show or find");
  }
}
