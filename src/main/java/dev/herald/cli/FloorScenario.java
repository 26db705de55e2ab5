package dev.herald.cli;

import dev.herald.bench.BenchEnvironment;
import dev.herald.bench.BenchResult;
import dev.herald.bench.FloorBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code herald bench floor}: Redis's own floor for publishing, on its own. */
@Command(
    name = "floor",
    description =
        "Redis's own floor: the stream appends of the drain's routes in a bare Lua loop;"
            + " Redis CPU per entry.",
    footer = {"", "Examples:", "  herald bench floor --routes 100000 --runs 3"})
final class FloorScenario extends BenchScenarios.Scenario {
  @Mixin BenchScenarios.Routes routes;
  @Mixin BenchScenarios.Runs runs;

  @Override
  BenchResult run(BenchEnvironment env, String command) {
    return new FloorBench(env, routes.routes, runs.runs).run(command);
  }

  @Override
  boolean runsOnShards() {
    return true;
  }

  @Override
  long streamMaxLength() {
    return routes.routes * 2L;
  }
}
