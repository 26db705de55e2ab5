package dev.herald.cli;

import dev.herald.outbox.OutboxSchema;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "schema",
    description = {
      "Print the DDL of the outbox table (PostgreSQL 13 or later).",
      "The table, its indexes, the attempts table and the NOTIFY trigger, for "
          + "sources.postgres.table. Safe to run again.",
    },
    footer = {
      "",
      "Examples:",
      "  herald outbox schema | psql \"$DATABASE_URL\"",
      "  herald outbox schema --table shop_outbox > db/migration/V7__shop_outbox.sql",
      "",
      "config/herald-outbox.sql holds the same for the default table, herald_outbox.",
    })
final class OutboxSchemaCommand implements Callable<Integer> {

  @Mixin ConfigOption config;

  @Option(
      names = "--table",
      paramLabel = "NAME",
      description = "the table name (default: sources.postgres.table)")
  String table;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    String name = table != null ? table : config.load().sources().postgres().table();
    OutboxSchema schema;
    try {
      schema = new OutboxSchema(name);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(
          "--table must be a lower-case name of 1 to 40 letters, digits and _ (was '"
              + name
              + "')");
    }
    spec.commandLine().getOut().print(schema.ddl());
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
