package dev.herald.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.daemon.Stores;
import dev.herald.store.ProcessBoard.Heartbeat;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "processes",
    description = {
      "List the running herald run processes, from the heartbeats they keep in Redis.",
      "Each shows host, pid, version, workers, started, last publish cycle and routes/s published.",
    },
    footer = {
      "",
      "Examples:",
      "  herald processes",
      "  herald processes --json | jq '.processes[] | {host, pid, routes_per_second}'",
      "",
      "A process whose heartbeat is older than 15s (gone, or stuck) is not listed.",
      "--json prints {\"processes\": [{\"process\", \"host\", \"pid\", \"version\", \"workers\",",
      "\"started\", \"last_cycle\", \"routes_per_second\", \"reported_at\"}, ...]}.",
      "Exit codes: 0 ok (also when none runs), 69 Redis unavailable, 78 bad config.",
    })
final class ProcessesCommand implements Callable<Integer> {

  @Mixin ConfigOption config;
  @Mixin WideOption wide;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (Stores ctx = Stores.open(config.load())) {
      Instant now = ctx.clock().instant();
      List<Heartbeat> beats = ctx.backend().processes().read(now);
      int stored = ctx.backend().processes().storedFormat();
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(toJson(beats, stored));
      } else if (beats.isEmpty()) {
        out.println("no Herald process has reported in the last 15s");
        out.println(storedFormatLine(stored));
      } else {
        TextTable table =
            new TextTable(
                "HOST",
                "PID",
                "VERSION",
                "WORKERS",
                "STARTED",
                "LAST CYCLE",
                "ROUTES/S",
                "READS",
                "PROCESS");
        for (Heartbeat b : beats) {
          table.row(
              b.host(),
              Long.toString(b.pid()),
              b.version(),
              Integer.toString(b.workers()),
              Times.table(b.started())
                  + " ("
                  + Times.span(Duration.between(b.started(), now))
                  + " ago)",
              b.lastCycle() == null
                  ? "-"
                  : Times.span(Duration.between(b.lastCycle(), now)) + " ago",
              String.format("%,.1f", b.routesPerSecond()),
              "format " + b.formats(),
              b.process());
        }
        table.print(out, wide.width());
        out.println(storedFormatLine(stored));
      }
      out.flush();
    }
    return ExitCodes.OK;
  }

  /** The store's stored format: what every process writes new notifications in. */
  static String storedFormatLine(int stored) {
    return stored > 1
        ? "stored format: " + stored + " (new notifications are stored in it)"
        : "stored format: 1 (new notifications are stored in it until every running process reads"
            + " format 2: READS)";
  }

  static String toJson(List<Heartbeat> beats, int stored) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("stored_format", stored);
    ArrayNode list = root.putArray("processes");
    for (Heartbeat b : beats) {
      ObjectNode o = list.addObject();
      o.put("process", b.process());
      o.put("host", b.host());
      o.put("pid", b.pid());
      o.put("version", b.version());
      o.put("workers", b.workers());
      o.put("started", Times.iso(b.started()));
      o.put("last_cycle", Times.iso(b.lastCycle()));
      o.put("routes_per_second", b.routesPerSecond());
      o.put("reported_at", Times.iso(b.reportedAt()));
      o.put("formats", b.formats());
    }
    return root.toString();
  }
}
