package dev.herald.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.ConfigException;
import dev.herald.config.HeraldConfig;
import dev.herald.daemon.Stores;
import dev.herald.store.IntentStream;
import dev.herald.store.RejectedIntent;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "rejected",
    description = {
      "List the newest rejected intents, with why each was rejected.",
      "Invalid intents, and cancels that named no notification: each was copied from the intents"
          + " stream with its reason, then acknowledged.",
    },
    footer = {
      "",
      "Examples:",
      "  herald intake rejected",
      "  herald intake rejected --limit 0 --json | jq -r .reason     # every one kept",
      "",
      "--json prints one object per line (JSON Lines), newest first: id, rejected_at,",
      "source_id, reason, fields (the entry's fields as the producer wrote them).",
      "Exit codes: 0 ok (also when there are none), 2 usage, 69 Redis unavailable,",
      "78 bad config.",
    })
final class IntakeRejectedCommand implements Callable<Integer> {

  /** Entries read per round trip. */
  private static final int PAGE = 200;

  @Mixin ConfigOption config;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "most entries to list, newest first; 0 for all (default: ${DEFAULT-VALUE})")
  long limit = 20;

  @Option(names = "--json", description = "print one JSON object per line (JSON Lines)")
  boolean json;

  @Mixin WideOption wide;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (limit < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--limit must be 0 (all) or more (was " + limit + ")");
    }
    HeraldConfig loaded = config.load();
    if (!loaded.intake().streamEnabled()) {
      throw new ConfigException(
          null, List.of("intake.stream is off: no intents are read, so none are rejected"));
    }
    try (Stores ctx = Stores.open(loaded)) {
      IntentStream intents = ctx.intents();
      PrintWriter out = new PrintWriter(spec.commandLine().getOut(), false);
      StreamedTable table =
          new StreamedTable(out, wide.width(), "REJECTED", "SOURCE ID", "REASON", "INTENT");
      long printed = 0;
      String before = null;
      while (limit == 0 || printed < limit) {
        int n = (int) (limit == 0 ? PAGE : Math.min(PAGE, limit - printed));
        List<RejectedIntent> page = intents.rejected(before, n);
        for (RejectedIntent r : page) {
          if (json) {
            out.println(toJson(r));
          } else {
            table.row(null, row(r));
          }
        }
        printed += page.size();
        if (page.size() < n) {
          break;
        }
        before = page.get(page.size() - 1).id();
      }
      table.flush();
      out.flush();
      if (printed == 0 && !json) {
        spec.commandLine()
            .getErr()
            .println("no rejected intents in " + ctx.config().intake().rejectedStream());
      }
    }
    return ExitCodes.OK;
  }

  private static String[] row(RejectedIntent r) {
    String intent = r.fields().get("intent");
    return new String[] {
      Times.table(r.rejectedAt()),
      r.sourceId(),
      r.reason(),
      intent != null ? intent.replaceAll("\\s+", " ") : String.join(",", r.fields().keySet())
    };
  }

  static String toJson(RejectedIntent r) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("id", r.id());
    o.put("rejected_at", Times.iso(r.rejectedAt()));
    o.put("source_id", r.sourceId());
    o.put("reason", r.reason());
    ObjectNode fields = o.putObject("fields");
    r.fields().forEach(fields::put);
    return o.toString();
  }
}
