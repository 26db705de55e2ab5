package dev.herald.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.deadletter.BulkRun;
import dev.herald.deadletter.BulkRun.Summary;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.OptionalDouble;

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
  private final RecentRate acted = new RecentRate();
  private final RecentRate scanning = new RecentRate();
  private Instant lastShown = Instant.MIN;
  private boolean lineOpen;
  private int width; // of the terminal, read once: 0 until then

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

  /** Whether stderr is a terminal, where the progress line is rewritten in place. */
  static boolean onTerminal() {
    return Screen.isTerminal(2);
  }

  @Override
  public void update(Summary s, long scanned, long total, Duration elapsed) {
    Instant now = clock.instant();
    acted.add(now, s.changed() + s.notDead() + s.failed());
    scanning.add(now, scanned);
    if (now.isBefore(lastShown.plus(terminal ? TERMINAL_EVERY : PLAIN_EVERY))) {
      return;
    }
    lastShown = now;
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%s: %,d %s, %,d skipped, %,d errors | scanned %,d%s",
                action,
                s.changed(),
                done,
                s.notDead(),
                s.failed(),
                scanned,
                // An import reads its file as it goes and knows no total: "of" what it has read
                // would read as done.
                total > 0
                    ? String.format(
                        Locale.ROOT,
                        " of %,d (%d%%)",
                        Math.max(total, scanned),
                        100 * scanned / total)
                    : ""));
    acted.perSecond().ifPresent(r -> line.append(String.format(Locale.ROOT, " | %,.0f/s", r)));
    OptionalDouble scanRate = scanning.perSecond();
    if (scanRate.isPresent() && scanRate.getAsDouble() > 0 && total > scanned) {
      line.append(" | ETA ").append(Times.span(eta(total - scanned, scanRate.getAsDouble())));
    }
    if (terminal) {
      if (width == 0) {
        width = Screen.progressWidth();
      }
      err.print("\r" + TextTable.fit(line.toString(), width - 1) + "\u001b[K");
      lineOpen = true;
    } else {
      err.println(line);
    }
    err.flush();
  }

  private static Duration eta(long left, double perSecond) {
    return Duration.ofMillis((long) Math.ceil(left * 1000.0 / perSecond));
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
      out.println("  selection: " + selection);
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
