package dev.herald.cli;

import dev.herald.bench.BenchEnvironment;
import dev.herald.bench.BenchResult;
import dev.herald.bench.BenchStores;
import dev.herald.bench.DrainBench;
import dev.herald.bench.IdleBench;
import dev.herald.bench.IntakeBench;
import dev.herald.bench.MemoryBench;
import dev.herald.bench.OutboxBench;
import dev.herald.bench.SteadyBench;
import dev.herald.clock.AlignedClock;
import dev.herald.config.Durations;
import dev.herald.config.HeraldConfig;
import dev.herald.store.IntentStream;
import dev.herald.store.redis.EmbeddedRedis;
import dev.herald.store.redis.RedisBackend;
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

    @Option(names = "--json", description = "one JSON object instead of lines")
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

  /** Shared plumbing: target Redis, namespace check, environment, output. */
  abstract static class Scenario implements Callable<Integer> {
    @Mixin Common common;
    @Spec CommandSpec spec;

    abstract BenchResult run(BenchEnvironment env, String command) throws Exception;

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
      EmbeddedRedis embedded = cfg.redis().url() == null ? EmbeddedRedis.startPrivate() : null;
      if (embedded != null) {
        cfg = cfg.withRedisUrl(embedded.url());
      }
      int workers = common.workers != null ? common.workers : cfg.publisher().workers();
      HeraldConfig effective = cfg;
      AlignedClock clock = AlignedClock.onThisHost(); // due times as Redis stamps stream entries
      try (embedded;
          RedisBackend backend =
              Backends.connectAligned(cfg, RedisTarget.of(cfg), workers + 4, clock)) {
        String intents = cfg.namespace() + ":bench:intents";
        BenchStores stores =
            new BenchStores(
                backend.routes(),
                backend.notifications(),
                backend.wakeups(),
                backend.probe(),
                backend.intents(
                    new IntentStream.Names(intents, "herald-bench", intents + ":rejected", 10_000),
                    Duration.ofSeconds(1)),
                intents);
        if (stores.probe().namespaceHasData() && !common.force) {
          throw new BadInputException(
              "namespace '"
                  + cfg.namespace()
                  + "' at "
                  + RedisTarget.of(cfg).endpoint().redacted()
                  + " holds data; the benchmark would delete it. Use another namespace, or --force");
        }
        int batchSize = common.batchSize != null ? common.batchSize : cfg.publisher().batchSize();
        BenchEnvironment env =
            new BenchEnvironment(
                stores,
                cfg.namespace() + ":bench:stream",
                streamMaxLength(),
                () -> withBatchSize(effective, batchSize),
                workers,
                cfg.publisher().pollInterval(),
                cfg.intake().batchSize(),
                clock);
        try {
          BenchResult result = run(env, command());
          if (embedded != null) {
            result.note("ran on a private embedded Redis " + embedded.url() + " (no redis.url)");
          }
          PrintWriter out = spec.commandLine().getOut();
          out.print(common.json ? result.toJson() + "\n" : result.toText());
          out.flush();
        } finally {
          stores.probe().deleteNamespace();
        }
      }
      return ExitCodes.OK;
    }

    private static dev.herald.publish.PublishSettings withBatchSize(HeraldConfig cfg, int batch) {
      var s = DaemonSettings.publish(cfg);
      return new dev.herald.publish.PublishSettings(
          batch, s.lease(), s.retries(), s.maxAttempts(), s.batchBytes());
    }

    private String command() {
      return "java -jar target/herald.jar "
          + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    }
  }

  @Command(
      name = "drain",
      description = "N routes due at one instant; drain rate and first-append delay.")
  static final class Drain extends Scenario {
    @Option(
        names = "--routes",
        defaultValue = "100000",
        description = "routes per run (default ${DEFAULT-VALUE})")
    int routes;

    @Option(names = "--runs", defaultValue = "3", description = "runs (default ${DEFAULT-VALUE})")
    int runs;

    @Option(
        names = "--warmup",
        defaultValue = "200000",
        description =
            "routes drained first, not measured (default ${DEFAULT-VALUE}): the JIT is still"
                + " compiling the publishing path after 20,000")
    int warmup;

    @Override
    BenchResult run(BenchEnvironment env, String command) throws Exception {
      return new DrainBench(env, routes, runs, warmup).run(command);
    }

    @Override
    long streamMaxLength() {
      return Math.max(routes, warmup) * 2L;
    }
  }

  @Command(name = "steady", description = "Routes offered at a steady rate; due->stream lag.")
  static final class Steady extends Scenario {
    @Option(
        names = "--rate",
        defaultValue = "5000",
        description = "routes/s offered (default ${DEFAULT-VALUE})")
    int rate;

    @Option(
        names = "--duration",
        defaultValue = "30s",
        description = "how long (default ${DEFAULT-VALUE})")
    String duration;

    @Override
    BenchResult run(BenchEnvironment env, String command) throws Exception {
      return new SteadyBench(env, rate, parse(duration)).run(command);
    }

    @Override
    long streamMaxLength() {
      return Math.max(1_000_000L, (long) rate * parse(duration).toSeconds() * 2);
    }
  }

  @Command(
      name = "intake",
      description = "Routes accepted per second: Java API, and intents stream (one consumer).")
  static final class IntakeRate extends Scenario {
    @Option(
        names = "--routes",
        defaultValue = "100000",
        description = "routes per run (default ${DEFAULT-VALUE})")
    int routes;

    @Option(names = "--runs", defaultValue = "3", description = "runs (default ${DEFAULT-VALUE})")
    int runs;

    @Override
    BenchResult run(BenchEnvironment env, String command) {
      return new IntakeBench(env, routes, runs).run(command);
    }
  }

  @Command(name = "idle", description = "Nothing due: CPU and Redis commands per second.")
  static final class Idle extends Scenario {
    @Option(
        names = "--duration",
        defaultValue = "30s",
        description = "how long (default ${DEFAULT-VALUE})")
    String duration;

    @Override
    BenchResult run(BenchEnvironment env, String command) throws Exception {
      return new IdleBench(env, parse(duration)).run(command);
    }
  }

  @Command(name = "memory", description = "Redis bytes per pending route; heap while publishing.")
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
      })
  static final class Outbox extends Scenario {
    @Option(
        names = "--rows",
        defaultValue = "100000",
        description =
            "rows of 10-recipient notifications per throughput run (default ${DEFAULT-VALUE})")
    int rows;

    @Option(names = "--runs", defaultValue = "3", description = "runs (default ${DEFAULT-VALUE})")
    int runs;

    @Option(
        names = "--rate",
        defaultValue = "1000",
        description = "rows/s committed in the latency run (default ${DEFAULT-VALUE})")
    int rate;

    @Option(
        names = "--duration",
        defaultValue = "30s",
        description = "length of the latency run (default ${DEFAULT-VALUE})")
    String duration;

    @Override
    BenchResult run(BenchEnvironment env, String command) throws Exception {
      HeraldConfig cfg = common.config.load();
      if (cfg.sources().postgres().url() == null) {
        throw new BadInputException(
            "bench outbox needs a database: set sources.postgres.url (and user, password) in the"
                + " config; it works on a table of its own, herald_bench_outbox");
      }
      return new OutboxBench(env, cfg.sources().postgres(), rows, runs, rate, parse(duration))
          .run(command);
    }

    @Override
    long streamMaxLength() {
      return Math.max(2_000_000L, (long) rate * parse(duration).toSeconds() * 20);
    }
  }

  private static Duration parse(String text) {
    return Durations.parse(text)
        .orElseThrow(
            () -> new BadInputException("not a duration: " + text + " (" + Durations.FORMS + ")"));
  }
}
