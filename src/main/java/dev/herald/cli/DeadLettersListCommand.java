package dev.herald.cli;

import dev.herald.daemon.Stores;
import dev.herald.deadletter.DeadLetterFilter;
import dev.herald.deadletter.DeadLetterScan;
import dev.herald.domain.Failure;
import dev.herald.domain.Notification;
import dev.herald.store.DeadLetter;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "list",
    description = {
      "List dead letters, newest first.",
      "Filters combine; repeat one to match any of its values. Streams through the "
          + "dead-letter index a page at a time: any number can be listed.",
    },
    footer = {
      "",
      "Examples:",
      "  herald dead-letters list",
      "  herald dead-letters list --since 2h --classification gateway_stream_publish_failed",
      "  herald dead-letters list --type game.turn_ready --producer game-engine --limit 20",
      "  herald dead-letters list --limit 0 --json | jq -r .route     # every one, JSON Lines",
      "",
      "Each row's second line is the last failure: classification and message.",
      "Exit codes: 0 ok (also when none match), 69 Redis unavailable, 78 bad config.",
    })
final class DeadLettersListCommand implements Callable<Integer> {

  @Mixin ConfigOption config;

  @Mixin DeadLetterFilterOptions filters;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "100",
      description = "most dead letters to print; 0 for all (default: ${DEFAULT-VALUE})")
  long limit;

  @Option(names = "--json", description = "print one JSON object per line (JSON Lines)")
  boolean json;

  @Mixin WideOption wide;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (limit < 0) {
      throw new ParameterException(
          spec.commandLine(), "--limit must be 0 (all) or more (was " + limit + ")");
    }
    try (Stores ctx = Stores.open(config.load())) {
      Instant now = ctx.clock().instant();
      DeadLetterFilter filter = filters.toFilter(now);
      int defaultMax = ctx.config().delivery().maxAttempts();
      // picocli's writer flushes on every line; a listing may have a million.
      PrintWriter out = new PrintWriter(spec.commandLine().getOut(), false);
      StreamedTable table =
          new StreamedTable(
              out, wide.width(), "DEAD SINCE", "ROUTE", "TYPE", "PRODUCER", "ATTEMPTS");
      long[] printed = {0};
      boolean[] more = {false};
      new DeadLetterScan(ctx.backend().deadLetters(), ctx.backend().notifications(), filter)
          .forEach(
              d -> {
                if (limit > 0 && printed[0] == limit) {
                  more[0] = true;
                  return false;
                }
                printed[0]++;
                if (json) {
                  out.println(DeadLetterJson.line(DeadLetterJson.summary(d, defaultMax)));
                } else {
                  row(table, d, defaultMax);
                }
                return true;
              });
      table.flush();
      out.flush(); // before any note on stderr
      if (!json) {
        PrintWriter err = spec.commandLine().getErr();
        if (printed[0] == 0) {
          err.println("no dead letters match (" + filter.describe() + ")");
        } else if (more[0]) {
          err.println(
              "showing the newest "
                  + printed[0]
                  + "; more match: raise --limit (0 for all), or narrow the filters");
        }
      }
      out.flush();
    }
    return ExitCodes.OK;
  }

  static void row(StreamedTable table, DeadLetter d, int defaultMax) {
    Notification n = d.notification();
    Failure last = d.lastFailure();
    String detail =
        last == null
            ? "no failure recorded"
            : last.kind().wireName() + ": " + last.message().replace('\n', ' ');
    if (n == null) {
      detail = "notification unreadable: " + d.corruption();
    }
    table.row(
        detail,
        Times.table(d.deadSince()),
        d.ref(),
        n == null ? "-" : n.type(),
        n == null ? "-" : n.producer(),
        d.attempts() + (n == null ? "" : "/" + n.maxAttemptsOr(defaultMax)));
  }
}
