package dev.herald.cli;

import dev.herald.daemon.Stores;
import dev.herald.deadletter.BulkRun;
import dev.herald.deadletter.DeadLetterActions;
import dev.herald.deadletter.DeadLetterFilter;
import dev.herald.deadletter.Pacer;
import dev.herald.store.DeadLetterStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "purge",
    description = {
      "Give up on dead letters for good.",
      "The named routes, those the filters match, or --all. A purged route keeps its "
          + "status (purged) for `routes show` and is deleted with its notification after "
          + "retention.published. Asks for confirmation unless --yes.",
    },
    footer = {
      "",
      "Examples:",
      "  herald dead-letters purge --older-than 7d --dry-run",
      "  herald dead-letters purge --older-than 7d --yes",
      "  herald dead-letters purge --classification corrupt_record",
      "  herald dead-letters purge 01JDQ5XKZ7W3M1V9Y4T0R8E6PA/push:u-1 --yes",
      "",
      "The confirmation counts the matches first and purges no more than that many, none",
      "that became dead letters after the count. Purged routes are counted in `herald stats`.",
      "Exit codes: 0 done, 1 declined or nothing could be purged, 2 usage, 3 partial",
      "(interrupted), 69 Redis unavailable, 78 bad config.",
    })
final class DeadLettersPurgeCommand implements Callable<Integer> {

  @Mixin ConfigOption config;

  @Mixin BulkOptions bulk;

  @Option(
      names = "--older-than",
      paramLabel = "DURATION",
      converter = TimeArg.DurationConverter.class,
      description = "dead for longer than this (e.g. 7d); same as --until with a duration")
  Duration olderThan;

  @Option(
      names = {"-y", "--yes"},
      description = "do not ask for confirmation")
  boolean yes;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    try (Stores ctx = Stores.open(config.load())) {
      Instant now = ctx.clock().instant();
      DeadLetterFilter filter = bulk.filters.toFilter(now);
      if (olderThan != null) {
        filter = filter.until(now.minus(olderThan));
      }
      bulk.check(filter, spec);
      String selection = bulk.selection(filter);
      if (!bulk.dryRun && !yes) {
        long count = count(ctx, filter);
        if (count == 0) {
          spec.commandLine().getErr().println("no dead letters match (" + selection + ")");
          return ExitCodes.OK;
        }
        if (!confirmed(count, selection)) {
          spec.commandLine().getErr().println("herald: not confirmed; nothing was purged");
          return ExitCodes.FAILURE;
        }
        // No more than were counted, and none that became dead letters since.
        bulk.limit = bulk.limit > 0 ? Math.min(bulk.limit, count) : count;
        if (bulk.refs.isEmpty()) {
          filter = filter.until(now);
        }
      }
      DeadLetterStore store = ctx.backend().deadLetters();
      BulkRun.Action action = bulk.dryRun ? null : DeadLetterActions.purge(store);
      return bulk.run(ctx, bulk.source(ctx, filter), action, "purge", "purged", selection, spec, 0);
    }
  }

  private long count(Stores ctx, DeadLetterFilter filter) {
    BulkRun.Options counting =
        new BulkRun.Options(
            bulk.limit, Pacer.unlimited(ctx.clock()), () -> false, BulkRun.Progress.NONE, d -> {});
    return new BulkRun(ctx.clock()).run(bulk.source(ctx, filter), null, counting).matched();
  }

  private boolean confirmed(long count, String selection) throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    err.printf(
        Locale.ROOT,
        "Purge %,d dead letter(s) (%s)? Purged routes can no longer be requeued.%n"
            + "Type 'yes' to go on: ",
        count,
        selection);
    err.flush();
    String answer =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    return answer != null
        && (answer.trim().equalsIgnoreCase("yes") || answer.trim().equalsIgnoreCase("y"));
  }
}
