package dev.herald.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.daemon.Stores;
import dev.herald.outbox.OutboxAdmin;
import dev.herald.outbox.OutboxDatabase;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "retry",
    description = {
      "Send rejected or in-doubt outbox rows back to pending.",
      "After a fix (a channel added, a producer corrected), or after checking that an "
          + "in-doubt row did not go out. Due at once; 1,000 rows per transaction; the relay "
          + "takes them on.",
    },
    footer = {
      "",
      "Examples:",
      "  herald outbox retry --rejected --dry-run",
      "  herald outbox retry --rejected --reason-contains 'channels[0]: unknown channel'",
      "  herald outbox retry --in-doubt --id 41872",
      "",
      "An in-doubt row may be in Herald already (an attempt that did not commit handed it over,",
      "and Herald no longer remembers its key): retrying it can send it twice.",
      "Exit codes: 0 ok (also when nothing matched), 2 usage, 69 database unavailable, 78 config.",
    })
final class OutboxRetryCommand implements Callable<Integer> {

  @Mixin ConfigOption config;

  @ArgGroup(multiplicity = "1")
  Which which;

  static final class Which {
    @Option(names = "--rejected", required = true, description = "rows rejected as invalid")
    boolean rejected;

    @Option(names = "--in-doubt", required = true, description = "rows set aside as in doubt")
    boolean inDoubt;
  }

  @Option(names = "--id", paramLabel = "N", description = "only this row (repeat for more)")
  List<Long> ids = List.of();

  @Option(
      names = "--reason-contains",
      paramLabel = "TEXT",
      description = "only rows whose reason contains TEXT")
  String reasonContains;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "at most N rows, oldest first; 0 for all (default: ${DEFAULT-VALUE})")
  long limit;

  @Option(names = "--dry-run", description = "say what would be sent again; change nothing")
  boolean dryRun;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (limit < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--limit must be 0 (all) or more (was " + limit + ")");
    }
    String status = which.rejected ? "rejected" : "in_doubt";
    OutboxAdmin.Retry retry = new OutboxAdmin.Retry(status, ids, reasonContains, limit);
    try (OutboxDatabase db = Stores.outboxDatabase(config.load())) {
      OutboxAdmin admin = new OutboxAdmin(db);
      long count;
      List<Long> shown = List.of();
      if (dryRun) {
        count = admin.count(retry);
        shown = admin.matching(retry, 20);
      } else {
        count = admin.retry(retry);
      }
      print(status, count, shown);
    }
    return ExitCodes.OK;
  }

  private void print(String status, long count, List<Long> shown) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("status", status);
      o.put("dry_run", dryRun);
      o.put(dryRun ? "matched" : "retried", count);
      if (dryRun) {
        shown.forEach(o.putArray("first_ids")::add);
      }
      out.println(o);
    } else if (dryRun) {
      out.printf(
          "dry run: would send %,d %s row(s) back to pending%s; nothing was changed%n",
          count,
          status,
          shown.isEmpty()
              ? ""
              : " (first ids: "
                  + shown.stream().map(String::valueOf).collect(Collectors.joining(", "))
                  + ")");
    } else {
      out.printf(
          "retry: sent %,d %s row(s) back to pending; herald run relays them%n", count, status);
    }
    out.flush();
  }
}
