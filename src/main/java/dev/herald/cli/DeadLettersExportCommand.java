package dev.herald.cli;

import dev.herald.daemon.Stores;
import dev.herald.deadletter.DeadLetterFilter;
import dev.herald.deadletter.DeadLetterScan;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "export",
    description = {
      "Write dead letters to stdout, one JSON line each, for an archive or another Herald.",
      "Each line holds the route, its attempts, every failed attempt kept and its notification:"
          + " what `herald dead-letters import` needs to make the dead letter again. Reads the"
          + " dead-letter index a page at a time and writes as it goes: any number, in bounded"
          + " memory. Changes nothing.",
    },
    footer = {
      "",
      "Examples:",
      "  herald dead-letters export > dead.ndjson                  # all of them",
      "  herald dead-letters export --since 2h --classification payload_encoding_failed \\",
      "      > sms.ndjson",
      "  herald dead-letters export --type chat.message | gzip > chat.ndjson.gz",
      "",
      "Dead letters whose notification record is unreadable cannot be made again and are left",
      "out, named on stderr (purge them with `herald dead-letters purge ID/#N`).",
      "Exit codes: 0 done, 2 usage, 3 some left out (unreadable), 65 bad --notification id,",
      "69 Redis unavailable, 78 bad config.",
    })
final class DeadLettersExportCommand implements Callable<Integer> {

  /** Unreadable dead letters named on stderr; the rest only counted. */
  private static final int NAMED = 20;

  @Mixin ConfigOption config;

  @Mixin DeadLetterFilterOptions filters;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "most dead letters to write, newest first; 0 for all (default: ${DEFAULT-VALUE})")
  long limit;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (limit < 0) {
      throw new ParameterException(
          spec.commandLine(), "--limit must be 0 (all) or more (was " + limit + ")");
    }
    try (Stores ctx = Stores.open(config.load())) {
      DeadLetterFilter filter = filters.toFilter(ctx.clock().instant());
      // Not picocli's writer, which flushes every line: an export may have a million.
      PrintWriter out =
          new PrintWriter(
              new BufferedWriter(
                  new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16),
              false);
      long[] written = {0};
      List<String> unreadable = new ArrayList<>();
      long[] leftOut = {0};
      new DeadLetterScan(ctx.backend().deadLetters(), ctx.backend().notifications(), filter)
          .forEach(
              d -> {
                if (limit > 0 && written[0] == limit) {
                  return false;
                }
                if (d.notification() == null || d.routeId() == null) {
                  if (leftOut[0]++ < NAMED) {
                    unreadable.add(d.ref() + ": " + d.corruption());
                  }
                  return true;
                }
                out.println(DeadLetterLines.write(d));
                written[0]++;
                return true;
              });
      out.flush();
      PrintWriter err = spec.commandLine().getErr();
      err.printf(
          Locale.ROOT, "export: %,d dead letter(s) written (%s)%n", written[0], filter.describe());
      if (leftOut[0] > 0) {
        err.printf(
            Locale.ROOT, "left out %,d whose notification record is unreadable:%n", leftOut[0]);
        unreadable.forEach(u -> err.println("  " + u));
      }
      err.flush();
      return leftOut[0] > 0 ? ExitCodes.PARTIAL : ExitCodes.OK;
    }
  }
}
