package dev.herald.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.deadletter.BulkRun;
import dev.herald.store.DeadLetterStore.Change;
import dev.herald.store.DeadLetterStore.Import;
import dev.herald.store.DeadLetterStore.ImportResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What an import did, for its progress line, its summary and its exit code. */
final class ImportTally {

  private static final int NOTES = 20;

  /** The first line this run reads (1, or where a checkpoint said). */
  final long firstLine;

  long nextLine;
  long read;
  long imported;
  long existing;
  long present;
  long errors;
  long requeued;
  boolean interrupted;
  private final List<String> notes = new ArrayList<>();

  ImportTally(long firstLine) {
    this.firstLine = firstLine;
    this.nextLine = firstLine;
  }

  void count(Import item, ImportResult r) {
    String ref = item.source().notificationId() + "/" + item.notification().route(0);
    switch (r.outcome()) {
      case IMPORTED -> imported++;
      case EXISTS -> existing++;
      case SOURCE_PRESENT -> {
        present++;
        note(ref + ": still in this store (" + r.detail() + "): left out");
      }
      case FAILED -> {
        errors++;
        note(ref + ": " + r.detail());
      }
    }
  }

  void requeued(List<Change> changes) {
    requeued += changes.stream().filter(c -> c.outcome() == Change.Outcome.CHANGED).count();
  }

  private void note(String line) {
    if (notes.size() < NOTES) {
      notes.add(line);
    }
  }

  /** As a bulk run's, for the shared progress line. */
  BulkRun.Summary asSummary() {
    return new BulkRun.Summary(read, imported, existing + present, errors, interrupted, notes);
  }

  void print(
      PrintWriter out, boolean json, boolean dryRun, boolean requeue, Path input, Duration took) {
    if (json) {
      ObjectNode o = DeadLetterJson.MAPPER.createObjectNode();
      o.put("action", "import");
      o.put("dry_run", dryRun);
      o.put("file", input.toString());
      o.put("first_line", firstLine);
      o.put("read", read);
      o.put("imported", imported);
      o.put("existing", existing);
      o.put("left_out", present);
      o.put("errors", errors);
      o.put("requeued", requeued);
      o.put("interrupted", interrupted);
      o.put("seconds", took.toMillis() / 1000.0);
      o.putArray("notes").addAll(notes.stream().map(o::textNode).toList());
      out.println(DeadLetterJson.line(o));
      return;
    }
    if (dryRun) {
      out.printf(
          Locale.ROOT,
          "dry run: %,d dead letter(s) in %s to import%s; nothing was changed%n",
          read,
          input,
          requeue ? " and requeue" : "");
      return;
    }
    out.printf(
        Locale.ROOT,
        "import: read %,d, imported %,d, already there %,d, left out %,d (still in this store),"
            + " errors %,d%s, in %s%n",
        read,
        imported,
        existing,
        present,
        errors,
        requeue ? String.format(Locale.ROOT, ", requeued %,d", requeued) : "",
        Times.span(took));
    notes.forEach(n -> out.println("  " + n));
    if (interrupted) {
      out.printf(
          Locale.ROOT,
          "interrupted at line %,d: run the same command again to continue from there%n",
          nextLine);
    }
  }

  int exitCode(boolean dryRun) {
    if (dryRun) {
      return ExitCodes.OK;
    }
    if (interrupted) {
      return ExitCodes.PARTIAL;
    }
    if (errors > 0) {
      return imported + existing + present > 0 ? ExitCodes.PARTIAL : ExitCodes.FAILURE;
    }
    return ExitCodes.OK;
  }
}
