package dev.herald.cli;

import dev.herald.bench.BenchEnvironment;
import dev.herald.bench.BenchResult;
import dev.herald.bench.BenchRun;
import dev.herald.bench.DrainBench;
import dev.herald.bench.IdleBench;
import dev.herald.bench.IntakeBench;
import dev.herald.bench.MemoryBench;
import dev.herald.bench.OutboxBench;
import dev.herald.bench.SteadyBench;
import dev.herald.config.Durations;
import dev.herald.config.HeraldConfig;
import dev.herald.config.PostgresSourceSettings;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The scenarios of {@code herald bench}; each prints its figures and the command to repeat it. */
final class BenchScenarios {

  private BenchScenarios() {}

  /** Options every scenario takes. */
  static final class Common {
    @Mixin ConfigOption config;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Option(names = "--force", description = "run even if the namespace holds data (it is deleted)")
    boolean force;

    @Option(names = "--workers", description = "publisher threads (default: publisher.workers)")
    Integer workers;

    @Option(
        names = "--batch-size",
        description = "routes per claim (default: publisher.batch-size)")
    Integer batchSize;
  }

  /** {@code --runs}: how many measured runs a scenario repeats. */
  static final class Runs {
    @Option(names = "--runs", defaultValue = "3", description = "runs (default ${DEFAULT-VALUE})")
    int runs;
  }

  /** {@code --routes} of the scenarios that time a fixed load. */
  static final class Routes {
    @Option(
        names = "--routes",
        defaultValue = "100000",
        description = "routes per run (default ${DEFAULT-VALUE})")
    int routes;
  }

  /** {@code --duration} of the scenarios that run for a while. */
  static final class Length {
    @Option(
        names = "--duration",
        defaultValue = "30s",
        description = "how long (default ${DEFAULT-VALUE})")
    String duration;

    Duration get() {
      return Durations.parse(duration)
          .orElseThrow(
              () ->
                  new BadInputException(
                      "not a duration: " + duration + " (" + Durations.FORMS + ")"));
    }
  }

  /** What every scenario does around its measurement: run it, print its figures. */
  abstract static class Scenario implements Callable<Integer> {
    @Mixin Common common;
    @Spec CommandSpec spec;

    abstract BenchResult run(BenchEnvironment env, String command) throws Exception;

    /** Refuses a config the scenario cannot run on, before it connects. */
    void check(HeraldConfig cfg) {}

    /** True for the scenarios that measure a sharded layout (on one Redis or on a cluster). */
    boolean runsOnShards() {
      return false;
    }

    /**
     * MAXLEN of the benchmark's stream: large enough to count every route it appends. Scenarios
     * that do not count appended entries keep the default.
     */
    long streamMaxLength() {
      return 100_000;
    }

    @Override
    public Integer call() throws Exception {
      HeraldConfig cfg = common.config.load();
      if (cfg.sharded() && !runsOnShards()) {
        throw new BadInputException(
            "bench "
                + spec.name()
                + " runs with shards: 1 only, not yet on shards (was "
                + cfg.shards()
                + "); bench drain and bench floor run on shards, on one Redis or on Redis Cluster");
      }
      check(cfg);
      BenchRun.Options options =
          new BenchRun.Options(common.force, common.workers, common.batchSize, streamMaxLength());
      BenchResult result;
      try {
        result = BenchRun.run(cfg, options, this::run, command());
      } catch (BenchRun.NamespaceInUseException e) {
        throw new BadInputException(e.getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      out.print(common.json ? result.toJson() + "\n" : result.toText());
      out.flush();
      return ExitCodes.OK;
    }

    private String command() {
      return "java -jar target/herald.jar "
          + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    }
  }

  @Command(
      name = "drain",
      description = "N routes due at one instant; drain rate and first-append delay.",
      footer = {
        "",
        "Examples:",
        "  herald bench drain --config bench.yaml",
        "  herald bench drain --routes 100000 --runs 5 --json"
      })
  static final class Drain extends Scenario {
    @Mixin Routes routes;
    @Mixin Runs runs;

    @Option(
        names = "--warmup",
        defaultValue = "200000",
        description =
            "routes drained first, not measured (default ${DEFAULT-VALUE}): the JIT is still"
                + " compiling the publishing path after 20,000")
    int warmup;

    @Option(
        names = "--due-after-start",
        converter = TimeArg.DurationConverter.class,
        description =
            "the first run's routes fall due this long after the publisher started, as for a"
                + " daemon started just before a burst (use with --warmup 0, e.g. 5s); loading"
                + " that ends later is reported")
    Duration dueAfterStart;

    @Override
    BenchResult run(BenchEnvironment env, String command) throws Exception {
      return new DrainBench(env, routes.routes, runs.runs, warmup, dueAfterStart).run(command);
    }

    @Override
    boolean runsOnShards() {
      return true;
    }

    @Override
    long streamMaxLength() {
      return Math.max(routes.routes, warmup) * 2L;
    }
  }

  @Command(
      name = "steady",
      description = "Routes offered at a steady rate; due->stream lag.",
      footer = {"", "Examples:", "  herald bench steady --rate 5000 --duration 30s"})
  static final class Steady extends Scenario {
    @Option(
        names = "--rate",
        defaultValue = "5000",
        description = "routes/s offered (default ${DEFAULT-VALUE})")
    int rate;

    @Mixin Length duration;

    @Override
    BenchResult run(BenchEnvironment env, String command) throws Exception {
      return new SteadyBench(env, rate, duration.get()).run(command);
    }

    @Override
    long streamMaxLength() {
      return Math.max(1_000_000L, (long) rate * duration.get().toSeconds() * 2);
    }
  }

  @Command(
      name = "intake",
      description = "Routes accepted per second: Java API, and intents stream (one consumer).",
      footer = {"", "Examples:", "  herald bench intake --routes 100000"})
  static final class IntakeRate extends Scenario {
    @Mixin Routes routes;
    @Mixin Runs runs;

    @Override
    BenchResult run(BenchEnvironment env, String command) {
      return new IntakeBench(env, routes.routes, runs.runs).run(command);
    }
  }

  @Command(
      name = "idle",
      description = "Nothing due: CPU and Redis commands per second.",
      footer = {"", "Examples:", "  herald bench idle --duration 120s"})
  static final class Idle extends Scenario {
    @Mixin Length duration;

    @Override
    BenchResult run(BenchEnvironment env, String command) throws Exception {
      return new IdleBench(env, duration.get()).run(command);
    }
  }

  @Command(
      name = "memory",
      description = "Redis bytes per pending route; heap while publishing.",
      footer = {"", "Examples:", "  herald bench memory --routes 1000000"})
  static final class Memory extends Scenario {
    @Option(
        names = "--routes",
        defaultValue = "1000000",
        description = "pending routes (default ${DEFAULT-VALUE})")
    int routes;

    @Override
    BenchResult run(BenchEnvironment env, String command) throws Exception {
      return new MemoryBench(env, routes).run(command);
    }
  }

  @Command(
      name = "outbox",
      description = {
        "The PostgreSQL outbox relay: rows/s relayed, database CPU per row, commit->stream.",
        "Needs sources.postgres.url; works on a table of its own (herald_bench_outbox).",
      },
      footer = {
        "",
        "Examples:",
        "  herald bench outbox --config bench.yaml --rows 100000 --rate 1000"
      })
  static final class Outbox extends Scenario {
    @Option(
        names = "--rows",
        defaultValue = "100000",
        description =
            "rows of 10-recipient notifications per throughput run (default ${DEFAULT-VALUE})")
    int rows;

    @Mixin Runs runs;

    @Option(
        names = "--rate",
        defaultValue = "1000",
        description = "rows/s committed in the latency run (default ${DEFAULT-VALUE})")
    int rate;

    @Mixin Length duration; // of the latency run

    private PostgresSourceSettings source;

    @Override
    void check(HeraldConfig cfg) {
      if (cfg.sources().postgres().url() == null) {
        throw new BadInputException(
            "bench outbox needs a database: set sources.postgres.url (and user, password) in the"
                + " config; it works on a table of its own, herald_bench_outbox");
      }
      source = cfg.sources().postgres();
    }

    @Override
    BenchResult run(BenchEnvironment env, String command) throws Exception {
      return new OutboxBench(env, source, rows, runs.runs, rate, duration.get()).run(command);
    }

    @Override
    long streamMaxLength() {
      return Math.max(2_000_000L, (long) rate * duration.get().toSeconds() * 20);
    }
  }
}
