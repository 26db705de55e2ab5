package dev.herald.cli;

import dev.herald.config.ConfigException;
import dev.herald.config.HeraldConfig;
import dev.herald.config.PostgresSourceSettings;
import dev.herald.outbox.OutboxDatabase;
import java.util.List;
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

  /** The outbox database of a config; sources.postgres.url must be set (enabled or not). */
  static OutboxDatabase open(HeraldConfig cfg) {
    PostgresSourceSettings pg = cfg.sources().postgres();
    if (pg.url() == null) {
      throw new ConfigException(
          null,
          List.of(
              "sources.postgres.url is not set: the outbox commands need the database it names"));
    }
    return OutboxDatabase.open(pg, 2, "herald-cli");
  }
}
