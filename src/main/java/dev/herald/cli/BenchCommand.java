package dev.herald.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "bench",
    description = {
      "Measure Herald: drain, floor, lag, intake, idle, memory, outbox relay, HTTP API.",
      "Refuses a namespace that holds data unless --force; deletes what it wrote.",
      "Without redis.url it starts a private embedded Redis (6.2) on a free port.",
    },
    subcommands = {
      BenchScenarios.Drain.class,
      BenchScenarios.Floor.class,
      BenchScenarios.Steady.class,
      BenchScenarios.IntakeRate.class,
      BenchScenarios.Idle.class,
      BenchScenarios.Memory.class,
      BenchScenarios.Outbox.class,
      BenchApiCommand.class
    },
    footer = {
      "",
      "Examples:",
      "  herald bench drain --config bench.yaml",
      "  herald bench floor --config bench.yaml --routes 100000",
      "  herald bench steady --rate 5000 --duration 30s --json",
      "  herald bench memory --routes 1000000",
      "  herald bench outbox --config bench.yaml --rows 100000 --rate 1000",
      "  herald bench api --url http://127.0.0.1:9465/v1/notifications --rate 5000",
    })
final class BenchCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "missing scenario: drain, floor, steady, intake, idle, memory, outbox or api");
  }
}
