package dev.herald.cli;

import dev.herald.daemon.Stores;
import dev.herald.spool.Spool;
import dev.herald.spool.SpoolListener;
import dev.herald.spool.SpoolReplayer;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "replay",
    description = {
      "Replay the spool into Redis now, in order, at most spool.replay-rate a second.",
      "Each keeps the id it was answered 202 with, so one stored already is not stored twice.",
      "Records that can never go in are set aside into rejected-* files.",
      "It is for a spool no herald run holds (one that runs replays its own).",
      "For example a host being retired, or a spool.dir moved to another host.",
    },
    footer = {
      "",
      "Examples:",
      "  herald spool replay --config /etc/herald/herald.yaml",
      "",
      "Exit codes: 0 the spool is empty now, 3 some records were set aside, 1 a herald run holds",
      "the spool or it cannot be read, 69 Redis unavailable (what was replayed stays replayed; run",
      "it again), 78 bad config.",
    })
final class SpoolReplayCommand implements Callable<Integer> {

  @Mixin ConfigOption config;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    AtomicLong setAside = new AtomicLong();
    AtomicLong duplicates = new AtomicLong();
    SpoolListener counting =
        new SpoolListener() {
          @Override
          public void onSetAside(int records, String reason) {
            setAside.addAndGet(records);
          }

          @Override
          public void onReplayed(int records, int duplicate) {
            duplicates.addAndGet(duplicate);
          }
        };
    try (Stores stores = Stores.open(config.load());
        Spool spool = Spool.open(Stores.spoolOptions(stores.config()), stores.clock(), counting)) {
      long before = spool.figures().records();
      out.printf("replaying %d record(s) from %s%n", before, spool.options().dir());
      out.flush();
      long done = new SpoolReplayer(spool, stores.intake(), counting).drain();
      out.printf(
          "replayed %d record(s): %d stored or cancelled, %d duplicate(s) of earlier ones, %d set"
              + " aside (herald spool inspect); %d left%n",
          done,
          done - setAside.get() - duplicates.get(),
          duplicates.get(),
          setAside.get(),
          spool.figures().records());
      out.flush();
      return setAside.get() > 0 ? ExitCodes.PARTIAL : ExitCodes.OK;
    } catch (IOException e) {
      spec.commandLine().getErr().println("spool replay: " + e.getMessage());
      return ExitCodes.FAILURE;
    }
  }
}
