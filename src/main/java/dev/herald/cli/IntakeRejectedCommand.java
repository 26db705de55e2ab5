package dev.herald.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.ConfigException;
import dev.herald.config.HeraldConfig;
import dev.herald.daemon.Stores;
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
      "List the newest rejected intents: invalid ones, and cancels that named no notification.",
      "Each was copied from the intents stream with its reason, then acknowledged.",
    },
    footer = {
      "",
      "Examples:",
      "  herald intake rejected",
      "  herald intake rejected --limit 500 --json | jq -r '.rejected[].reason'",
      "",
      "--json prints {\"rejected\": [{\"id\", \"rejected_at\", \"source_id\", \"reason\",",
      "\"fields\": {the entry's fields as the producer wrote them}}, ...]}, newest first.",
    })
final class IntakeRejectedCommand implements Callable<Integer> {

  @Mixin ConfigOption config;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "most entries to list, newest first (default: ${DEFAULT-VALUE})")
  int limit = 20;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (limit < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--limit must be at least 1 (was " + limit + ")");
    }
    HeraldConfig loaded = config.load();
    if (!loaded.intake().streamEnabled()) {
      throw new ConfigException(
          null, List.of("intake.stream is off: no intents are read, so none are rejected"));
    }
    try (Stores ctx = Stores.open(loaded)) {
      List<RejectedIntent> rejected = ctx.intents().rejected(limit);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(toJson(rejected));
      } else if (rejected.isEmpty()) {
        out.println("no rejected intents in " + ctx.config().intake().rejectedStream());
      } else {
        TextTable table = new TextTable("REJECTED", "SOURCE ID", "REASON", "INTENT");
        for (RejectedIntent r : rejected) {
          String intent = r.fields().get("intent");
          table.row(
              Times.table(r.rejectedAt()),
              r.sourceId(),
              r.reason(),
              intent != null
                  ? intent.replaceAll("\\s+", " ")
                  : String.join(",", r.fields().keySet()));
        }
        table.print(out);
      }
      out.flush();
    }
    return ExitCodes.OK;
  }

  static String toJson(List<RejectedIntent> rejected) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ArrayNode list = root.putArray("rejected");
    for (RejectedIntent r : rejected) {
      ObjectNode o = list.addObject();
      o.put("id", r.id());
      o.put("rejected_at", r.rejectedAt().toString());
      o.put("source_id", r.sourceId());
      o.put("reason", r.reason());
      ObjectNode fields = o.putObject("fields");
      r.fields().forEach(fields::put);
    }
    return root.toString();
  }
}
