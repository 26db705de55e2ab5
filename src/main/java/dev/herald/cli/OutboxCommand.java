package dev.herald.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "outbox",
    description = "Inspect and repair the PostgreSQL outbox that herald run relays.",
    subcommands = {OutboxStatusCommand.class, OutboxRetryCommand.class, OutboxSchemaCommand.class},
    footer = {
      "",
      "Examples:",
      "  herald outbox status",
      "  herald outbox retry --rejected --reason-contains 'unknown channel'",
      "  herald outbox schema > V7__herald_outbox.sql",
    })
final class OutboxCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing subcommand: status, retry or schema");
  }
}
