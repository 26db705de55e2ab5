package dev.herald.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.HeraldConfig;
import dev.herald.daemon.Stores;
import dev.herald.outbox.OutboxAdmin;
import dev.herald.outbox.OutboxDatabase;
import dev.herald.outbox.OutboxStatus;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    description = {
      "Show the outbox table: pending, relayed, rejected and in-doubt rows.",
      "The age of the oldest pending row, and the newest rejected and in-doubt rows "
          + "with their reasons.",
    },
    footer = {
      "",
      "Examples:",
      "  herald outbox status",
      "  herald outbox status --limit 100 --json | jq -r '.held[].reason'",
      "",
      "Exit codes: 0 ok, 69 database unavailable, 78 bad config or the table is missing.",
    })
final class OutboxStatusCommand implements Callable<Integer> {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Mixin ConfigOption config;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description =
          "most rejected and in-doubt rows to list, newest first; 0 for all (default:"
              + " ${DEFAULT-VALUE})")
  int limit = 20;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Mixin WideOption wide;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (limit < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--limit must be 0 (all) or more (was " + limit + ")");
    }
    HeraldConfig cfg = config.load();
    try (OutboxDatabase db = Stores.outboxDatabase(cfg)) {
      OutboxStatus status = new OutboxAdmin(db).status(limit);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(DeadLetterJson.line(toJson(status)));
      } else {
        print(out, db.describe(), status, wide.width());
      }
      out.flush();
    }
    return ExitCodes.OK;
  }

  private static void print(PrintWriter out, String where, OutboxStatus s, int width) {
    out.printf("outbox %s at %s%n", s.table(), where);
    long pending = s.counts().get("pending");
    line(
        out,
        "pending",
        pending,
        pending == s.pendingDue()
            ? "waiting for the relay"
            : String.format(
                Locale.ROOT,
                "waiting for the relay; %,d backing off after Redis trouble",
                pending - s.pendingDue()));
    out.printf(
        "  %-20s %s%n",
        "oldest pending",
        s.oldestPendingAt() == null
            ? "none"
            : Times.table(s.oldestPendingAt()) + ", " + Times.span(s.oldestPendingAge()) + " ago");
    line(out, "relayed", s.counts().get("relayed"), "kept for sources.postgres.retention");
    line(
        out,
        "rejected",
        s.counts().get("rejected"),
        "invalid; after a fix: herald outbox retry --rejected");
    line(
        out,
        "in_doubt",
        s.counts().get("in_doubt"),
        "may be in Herald already: check, then retry --in-doubt --id N");
    line(
        out,
        "unfinished attempts",
        s.unfinishedAttempts(),
        "batches in flight, or left by a relay that died");
    if (s.held().isEmpty()) {
      return;
    }
    out.println();
    out.println("rejected and in-doubt rows, newest first");
    TextTable table = new TextTable("ID", "STATUS", "CREATED", "REASON");
    for (OutboxStatus.HeldRow r : s.held()) {
      table.row(Long.toString(r.id()), r.status(), Times.table(r.createdAt()), r.reason());
    }
    table.print(out, width);
  }

  private static void line(PrintWriter out, String name, long value, String note) {
    out.println(
        String.format(Locale.ROOT, "  %-20s %,12d   %s", name, value, note).stripTrailing());
  }

  static ObjectNode toJson(OutboxStatus s) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("table", s.table());
    ObjectNode counts = root.putObject("counts");
    OutboxStatus.STATUSES.forEach(k -> counts.put(k, s.counts().get(k)));
    root.put("pending_due", s.pendingDue());
    root.put("oldest_pending_at", Times.iso(s.oldestPendingAt()));
    root.put("oldest_pending_age_seconds", s.oldestPendingAge().toMillis() / 1000.0);
    root.put("unfinished_attempts", s.unfinishedAttempts());
    ArrayNode held = root.putArray("held");
    for (OutboxStatus.HeldRow r : s.held()) {
      ObjectNode o = held.addObject();
      o.put("id", r.id());
      o.put("status", r.status());
      o.put("created_at", Times.iso(r.createdAt()));
      o.put("updated_at", Times.iso(r.updatedAt()));
      o.put("attempts", r.attempts());
      o.put("reason", r.reason());
      try {
        o.set("notification", MAPPER.readTree(r.notification()));
      } catch (java.io.IOException e) {
        o.put("notification", r.notification());
      }
    }
    return root;
  }
}
