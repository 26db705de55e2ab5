package dev.herald.cli;

import dev.herald.daemon.Stores;
import dev.herald.deadletter.BulkRun;
import dev.herald.deadletter.Pacer;
import dev.herald.store.DeadLetterStore;
import dev.herald.store.DeadLetterStore.Import;
import dev.herald.store.DeadLetterStore.ImportResult;
import dev.herald.store.DeadLetterStore.Requeue;
import dev.herald.store.DeadLetterStore.Route;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "import",
    description = {
      "Bring dead letters back from a file `herald dead-letters export` wrote.",
      "Each becomes a dead letter again (or, with --requeue, waits for a worker at once) as a"
          + " notification of its own, of that one route, under an id derived from the original's,"
          + " so that importing the same file twice creates nothing new. A route still in this"
          + " store (the same namespace, not purged) is left out. Checkpointed next to the file:"
          + " after Ctrl-C or a kill, the same command continues where it stopped.",
    },
    footer = {
      "",
      "Examples:",
      "  herald dead-letters export --until 7d > archive.ndjson   # archive, then purge",
      "  herald dead-letters purge --older-than 7d --yes",
      "  herald dead-letters import archive.ndjson --dry-run           # what it would bring",
      "  herald dead-letters import archive.ndjson --config staging.yaml --requeue --rate 200",
      "",
      "Summary: read, imported, already there (imported before), left out (the route is still",
      "here), errors, requeued.",
      "Exit codes: 0 done, 1 nothing could be imported, 2 usage, 3 interrupted or some errors,",
      "65 a line that is not an exported dead letter (named; the lines before it are in),",
      "69 Redis unavailable, 78 bad config.",
    })
final class DeadLettersImportCommand implements Callable<Integer> {

  @Mixin ConfigOption config;

  @Parameters(paramLabel = "FILE", description = "what `herald dead-letters export` wrote")
  Path input;

  @Option(names = "--requeue", description = "make them wait for a worker now, not dead letters")
  boolean requeue;

  @Option(
      names = "--rate",
      paramLabel = "N",
      description = "import at most N dead letters per second (default: as fast as Redis allows)")
  double rate;

  @Option(names = "--dry-run", description = "read and check the file; change nothing")
  boolean dryRun;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (rate < 0) {
      throw new ParameterException(spec.commandLine(), "--rate must be 0 (no limit) or more");
    }
    if (!Files.isRegularFile(input)) {
      throw new BadInputException("no such file: " + input);
    }
    try (Stores ctx = Stores.open(config.load())) {
      ImportCheckpoint checkpoint =
          new ImportCheckpoint(
              input,
              ctx.target().endpoint().redacted() + " namespace " + ctx.config().namespace(),
              requeue ? "requeue" : "dead-letter");
      Optional<Long> resume = dryRun ? Optional.empty() : checkpoint.resumeAt();
      tally = new ImportTally(resume.orElse(1L));
      PrintWriter err = spec.commandLine().getErr();
      resume.ifPresent(
          line ->
              err.println("import: continuing at line " + line + " (" + checkpoint.file() + ")"));
      AtomicBoolean stop = new AtomicBoolean();
      if (!dryRun) {
        Signals.onStop(() -> stop.set(true));
      }
      Pacer pacer = new Pacer(rate, ctx.clock(), d -> Thread.sleep(d.toMillis()));
      int sliceSize = Math.min(pacer.stepSize(BulkRun.SLICE), DeadLetterStore.MAX_SLICE);
      BulkReport progress =
          new BulkReport(err, "import", "imported", BulkReport.onTerminal(), ctx.clock());
      Instant start = ctx.clock().instant();
      try (BufferedReader in = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
        long lineNo = 0;
        List<Import> slice = new ArrayList<>();
        String line;
        while (!tally.interrupted) {
          line = in.readLine();
          if (line != null) {
            lineNo++;
            if (lineNo < tally.firstLine || line.isBlank()) {
              continue;
            }
            slice.add(
                DeadLetterLines.read(
                    line, "line " + lineNo + " of " + input, ctx.config().sharded()));
            tally.read++;
          }
          if (slice.size() == sliceSize || (line == null && !slice.isEmpty())) {
            if (stop.get()) {
              tally.interrupted = true;
              break;
            }
            if (!dryRun) {
              store(ctx, pacer, slice);
              checkpoint.save(lineNo + 1);
              tally.nextLine = lineNo + 1;
              progress.update(
                  tally.asSummary(), lineNo, 0, Duration.between(start, ctx.clock().instant()));
            }
            slice.clear();
          }
          if (line == null) {
            break;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        tally.interrupted = true;
      } finally {
        progress.finish();
      }
      if (!dryRun && !tally.interrupted) {
        checkpoint.delete();
      }
      PrintWriter out = spec.commandLine().getOut();
      tally.print(
          out, json, dryRun, requeue, input, Duration.between(start, ctx.clock().instant()));
      out.flush();
      return tally.exitCode(dryRun);
    }
  }

  private ImportTally tally;

  /** Stores one slice, and requeues it with --requeue: one round trip each. */
  private void store(Stores ctx, Pacer pacer, List<Import> slice) throws InterruptedException {
    pacer.acquire(slice.size());
    DeadLetterStore store = ctx.backend().deadLetters();
    Instant now = ctx.clock().instant();
    List<ImportResult> results = store.importDeadLetters(List.copyOf(slice), now);
    List<Requeue> toRequeue = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      ImportResult r = results.get(i);
      Import item = slice.get(i);
      tally.count(item, r);
      if (requeue
          && (r.outcome() == ImportResult.Outcome.IMPORTED
              || r.outcome() == ImportResult.Outcome.EXISTS)) {
        toRequeue.add(new Requeue(new Route(item.notification().id(), 0), now));
      }
    }
    if (!toRequeue.isEmpty()) {
      tally.requeued(store.requeue(toRequeue, false, now));
    }
  }
}
