package dev.herald.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.deadletter.BulkRun;
import dev.herald.deadletter.BulkRun.Summary;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * How requeue and purge report: progress on stderr while they run (one line rewritten in place on a
 * terminal, a plain line every few seconds otherwise), the summary on stdout, and the exit code.
 */
final class BulkReport implements BulkRun.Progress {

  private static final Duration TERMINAL_EVERY = Duration.ofMillis(250);
  private static final Duration PLAIN_EVERY = Duration.ofSeconds(5);

  private final PrintWriter err;
  private final String action;
  private final String done;
  private final boolean terminal;
  private final Clock clock;
  private final Instant start;
  private Instant lastShown = Instant.MIN;
  private boolean lineOpen;

  /**
   * @param action {@code requeue}
   * @param done {@code requeued}
   */
  BulkReport(PrintWriter err, String action, String done, boolean terminal, Clock clock) {
    this.err = err;
    this.action = action;
    this.done = done;
    this.terminal = terminal;
    this.clock = clock;
    this.start = clock.instant();
  }

  static boolean onTerminal() {
    return System.console() != null;
  }

  @Override
  public void update(Summary s, long scanned, long total, Duration elapsed) {
    Instant now = clock.instant();
    if (now.isBefore(lastShown.plus(terminal ? TERMINAL_EVERY : PLAIN_EVERY))) {
      return;
    }
    lastShown = now;
    long acted = s.changed() + s.notDead() + s.failed();
    double seconds = Math.max(0.001, elapsed.toMillis() / 1000.0);
    String line =
        String.format(
            Locale.ROOT,
            "%s: %,d %s, %,d skipped, %,d errors | scanned %,d of %,d%s | %,.0f/s%s",
            action,
            s.changed(),
            done,
            s.notDead(),
            s.failed(),
            scanned,
            Math.max(total, scanned),
            total > 0 ? String.format(Locale.ROOT, " (%d%%)", 100 * scanned / total) : "",
            acted / seconds,
            eta(scanned, total, elapsed));
    if (terminal) {
      err.print("\r" + TextTable.fit(line, TextTable.DEFAULT_WIDTH - 1) + "\u001b[K");
      lineOpen = true;
    } else {
      err.println(line);
    }
    err.flush();
  }

  private static String eta(long scanned, long total, Duration elapsed) {
    if (scanned < 10 || total <= scanned) {
      return ""; // too early to tell, or done
    }
    return " | ETA " + Times.span(elapsed.multipliedBy(total - scanned).dividedBy(scanned));
  }

  /** Ends the progress line on a terminal. */
  void finish() {
    if (lineOpen) {
      err.println();
      err.flush();
      lineOpen = false;
    }
  }

  /** Prints the summary; returns the exit code. */
  int summary(PrintWriter out, Summary s, boolean dryRun, boolean json, String selection) {
    finish();
    Duration took = Duration.between(start, clock.instant());
    if (json) {
      ObjectNode o = DeadLetterJson.MAPPER.createObjectNode();
      o.put("action", action);
      o.put("dry_run", dryRun);
      o.put("selection", selection);
      o.put("matched", s.matched());
      o.put(done, s.changed());
      o.put("skipped", s.notDead());
      o.put("errors", s.failed());
      o.put("not_done", dryRun ? 0 : s.notDone());
      o.put("interrupted", s.interrupted());
      o.put("seconds", took.toMillis() / 1000.0);
      o.putArray("notes").addAll(s.notes().stream().map(o::textNode).toList());
      out.println(DeadLetterJson.line(o));
    } else if (dryRun) {
      out.printf(
          Locale.ROOT,
          "dry run: would %s %,d dead letter(s); nothing was changed%n",
          action,
          s.matched() - s.notDead() - s.failed());
      out.println(TextTable.fit("  selection: " + selection, TextTable.DEFAULT_WIDTH));
      s.notes().forEach(n -> out.println("  " + n));
    } else {
      out.printf(
          Locale.ROOT,
          "%s: matched %,d, %s %,d, skipped %,d (not dead letters any more), errors %,d, in %s%n",
          action,
          s.matched(),
          done,
          s.changed(),
          s.notDead(),
          s.failed(),
          Times.span(took));
      s.notes().forEach(n -> out.println("  " + n));
      if (s.interrupted()) {
        out.printf(
            Locale.ROOT,
            "interrupted: %,d matched route(s) were not %s and are still dead letters;%n"
                + "  run the same command again to continue%n",
            s.notDone(),
            done);
      }
    }
    out.flush();
    if (s.interrupted()) {
      return ExitCodes.PARTIAL;
    }
    if (s.failed() > 0) {
      return s.changed() + s.notDead() > 0 ? ExitCodes.PARTIAL : ExitCodes.FAILURE;
    }
    return ExitCodes.OK;
  }
}
