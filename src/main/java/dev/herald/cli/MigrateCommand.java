package dev.herald.cli;

import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import dev.herald.daemon.Migrations;
import dev.herald.store.MigrationTally;
import dev.herald.store.MigrationTally.Item;
import dev.herald.store.ShardMigration;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "migrate",
    description = {
      "Move a one-Redis store (shards: 1) to shards, on the same Redis or a Redis Cluster.",
      "--from names the config the deployment runs now, --config the one it will run (shards 2 or"
          + " more; its Redis, or cluster nodes, and its namespace).",
      "Every notification moves with its routes, failures, schedule, dead-letter and retention"
          + " entries to its id's shard, its idempotency record to its key's; channel controls go"
          + " to every shard, counters into the first.",
      "Refused while a Herald process runs against either side or a lease is live. Each item is"
          + " written to the target before it is deleted from the source: when stopped at any"
          + " moment, run it again to finish.",
      "Streams stay: consumers read the old ones to their end, then the shard streams of herald"
          + " streams.",
    },
    footer = {
      "",
      "Examples:",
      "  herald migrate --from /etc/herald/herald.yaml --config herald-cluster.yaml --dry-run",
      "  herald migrate --from /etc/herald/herald.yaml --config herald-cluster.yaml",
      "",
      "A notification the target holds under its id with another record stays in the source,",
      "counted, as does one leased; see README, Upgrading to shards.",
      "--json prints {\"dry_run\", \"shards\", \"totals\": {item: n}, \"per_shard\": [{\"shard\",",
      "item: n, ...}], \"resumed\", \"kept\": {\"conflict\", \"leased\", \"unreadable\"},",
      "\"kept_named\", \"notes\", \"seconds\", \"notifications_per_second\"}.",
      "Exit codes: 0 done (or, with --dry-run, it would start), 1 refused (a process runs, a lease",
      "is live, intents wait), 3 interrupted (Ctrl-C: run it again) or some kept in the source,",
      "69 Redis unavailable (run it again), 78 bad config (either).",
    })
final class MigrateCommand implements Callable<Integer> {

  /** How often progress is reported on stderr. */
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

  @Mixin ConfigOption config;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "FILE",
      description = "config of the one-Redis layout to move from (shards: 1): today's config")
  Path from;

  @Option(
      names = "--dry-run",
      description = "count what would move, per target shard, and write nothing")
  boolean dryRun;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    ConfigLoader loader = new ConfigLoader(System.getenv());
    HeraldConfig source = loader.load(loader.resolve(from).orElse(null));
    HeraldConfig target = config.load();
    PrintWriter err = spec.commandLine().getErr();
    long started = System.nanoTime();
    try (ShardMigration migration = Migrations.open(source, target)) {
      List<String> problems = migration.preflight(migration.sourceTime());
      if (!problems.isEmpty()) {
        problems.forEach(
            p -> err.println("herald: " + (dryRun ? "would refuse: " : "refusing: ") + p));
        err.flush();
        if (!dryRun) {
          return ExitCodes.FAILURE;
        }
      }
      MigrationTally tally = new MigrationTally(target.shards());
      AtomicBoolean stop = new AtomicBoolean();
      if (!dryRun) {
        Signals.onStop(() -> stop.set(true)); // after the batch in hand: it is copied, then deleted
      }
      long lastReport = System.nanoTime();
      while (!stop.get() && migration.moveNotifications(tally, dryRun, migration.sourceTime())) {
        if (System.nanoTime() - lastReport >= PROGRESS_EVERY.toNanos()) {
          lastReport = System.nanoTime();
          err.println(progress(tally, lastReport - started));
          err.flush();
        }
      }
      if (stop.get()) {
        err.println("herald: migrate interrupted: run the same command again to finish");
      } else {
        migration.moveTheRest(tally, dryRun, migration.sourceTime());
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      PrintWriter out = spec.commandLine().getOut();
      MigrationReport report = new MigrationReport(tally, dryRun, seconds);
      if (json) {
        out.println(report.json());
      } else {
        report.print(out);
      }
      out.flush();
      if (!problems.isEmpty()) {
        return ExitCodes.FAILURE;
      }
      return stop.get() || tally.keptTotal() > 0 ? ExitCodes.PARTIAL : ExitCodes.OK;
    }
  }

  private String progress(MigrationTally tally, long nanos) {
    long n = tally.total(Item.NOTIFICATIONS);
    return String.format(
        "herald migrate: %,d notifications %s so far (%,.0f/s), %,d kept in the source",
        n, dryRun ? "counted" : "moved", n / (nanos / 1e9), tally.keptTotal());
  }
}
