package dev.herald.cli;

import dev.herald.daemon.Stores;
import dev.herald.deadletter.BulkRun;
import dev.herald.deadletter.DeadLetterActions;
import dev.herald.deadletter.DeadLetterFilter;
import dev.herald.deadletter.DeadLetterSource;
import dev.herald.deadletter.RequeueTiming;
import dev.herald.store.DeadLetterStore;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "requeue",
    description = {
      "Put dead letters back in the schedule.",
      "The named routes, those the filters match, or --all. Each route is requeued "
          + "atomically and only while it is still a dead letter, so running twice, or from "
          + "two terminals at once, schedules it once. Ctrl-C stops between slices: every "
          + "route is then either requeued or still a dead letter; the same command "
          + "continues.",
    },
    footer = {
      "",
      "Examples:",
      "  herald dead-letters requeue --since 1h --classification gateway_stream_publish_failed \\",
      "      --dry-run                                  # what would go, and how many",
      "  herald dead-letters requeue --since 1h --limit 10       # a canary first",
      "  herald dead-letters requeue --since 1h --spread 10m --rate 2000",
      "  herald dead-letters requeue 01JDQ5XKZ7W3M1V9Y4T0R8E6PA/push:u-1 --keep-attempts",
      "",
      "Summary: matched, requeued, skipped (not dead letters any more), errors.",
      "Exit codes: 0 done, 1 nothing could be requeued, 2 usage (e.g. no selection),",
      "3 partial (some errors, or interrupted), 69 Redis unavailable, 78 bad config.",
    })
final class DeadLettersRequeueCommand implements Callable<Integer> {

  @Mixin ConfigOption config;

  @Mixin BulkOptions bulk;

  @ArgGroup(exclusive = true)
  Attempts attempts = new Attempts();

  static final class Attempts {
    @Option(
        names = "--reset-attempts",
        description = "start again from attempt 1 with the full max attempts (default)")
    boolean reset;

    @Option(
        names = "--keep-attempts",
        description = "keep the attempts made: one more attempt unless max attempts was raised")
    boolean keep;
  }

  @Option(
      names = "--at",
      paramLabel = "TIME",
      converter = TimeArg.Converter.class,
      description = "due at this time: ISO-8601, or from now (10m); default now")
  TimeArg at;

  @Option(
      names = "--spread",
      paramLabel = "DURATION",
      converter = TimeArg.DurationConverter.class,
      description = "spread the due times evenly over this long after --at (e.g. 10m)")
  Duration spread = Duration.ZERO;

  @Option(
      names = "--rate",
      paramLabel = "N",
      description = "requeue at most N routes per second (default: as fast as Redis allows)")
  double rate;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (rate < 0) {
      throw new ParameterException(spec.commandLine(), "--rate must be 0 (no limit) or more");
    }
    try (Stores ctx = Stores.open(config.load())) {
      Instant now = ctx.clock().instant();
      DeadLetterFilter filter = bulk.filters.toFilter(now);
      bulk.check(filter, spec);
      DeadLetterSource source = bulk.source(ctx, filter);
      RequeueTiming timing = new RequeueTiming(at == null ? now : at.fromNow(now), spread);
      DeadLetterStore store = ctx.backend().deadLetters();
      boolean keep = attempts.keep;
      BulkRun.Action action =
          bulk.dryRun ? null : DeadLetterActions.requeue(store, timing, attempts.keep);
      return bulk.run(
          ctx, source, action, "requeue", "requeued", bulk.selection(filter), spec, rate);
    }
  }
}
