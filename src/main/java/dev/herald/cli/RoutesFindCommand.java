package dev.herald.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.daemon.Stores;
import dev.herald.store.RecipientLookup;
import dev.herald.store.RouteRecord;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "find",
    description = {
      "Find the notifications of a recipient, newest first, with that recipient's routes.",
      "It reads the recipient index, which is off unless console.recipient-index is true; the "
          + "console's lookup by recipient reads the same.",
    },
    footer = {
      "",
      "Examples:",
      "  herald routes find --recipient u-42",
      "  herald routes find --recipient u-42 --limit 5 --json | jq -r .notification_id",
      "",
      "Exit codes: 0 ok (also when none is found), 2 usage, 69 Redis unavailable,",
      "78 bad config or the recipient index is off.",
    })
final class RoutesFindCommand implements Callable<Integer> {

  @Mixin ConfigOption config;

  @Option(
      names = "--recipient",
      required = true,
      paramLabel = "RECIPIENT",
      description = "the recipient whose notifications to find")
  String recipient;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "most notifications to show, newest first (default: 20)")
  int limit = 20;

  @Option(names = "--json", description = "print one JSON object per line (JSON Lines)")
  boolean json;

  @Mixin WideOption wide;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (limit < 1) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--limit must be 1 or more (was " + limit + ")");
    }
    try (Stores ctx = Stores.open(config.load())) {
      if (!ctx.backend().recipients().enabled()) {
        spec.commandLine()
            .getErr()
            .println(
                "herald: the recipient index is off: set console.recipient-index: true in the"
                    + " config of every herald process that accepts notifications (run, submit)"
                    + " and restart them; notifications accepted from then on can be found");
        return ExitCodes.CONFIG;
      }
      RecipientLookup.Result r =
          RecipientLookup.find(
              ctx.backend().recipients(), ctx.backend().notifications(), recipient, limit);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        r.found().forEach(f -> out.println(json(f, recipient)));
      } else {
        TextTable table = new TextTable("ACCEPTED", "NOTIFICATION", "TYPE", "PRODUCER", "ROUTES");
        for (RecipientLookup.Found f : r.found()) {
          StringBuilder routes = new StringBuilder();
          for (RouteRecord route : f.routesOf(recipient)) {
            routes.append(routes.isEmpty() ? "" : ", ").append(route.routeId().channel());
            routes.append(' ').append(route.state().displayName());
          }
          table.row(
              Times.table(f.entry().acceptedAt()),
              f.record().notification().id(),
              f.record().notification().type(),
              f.record().notification().producer(),
              routes.toString());
        }
        table.print(out, wide.width());
        out.printf(
            "%d notification(s) of %s%s%n",
            r.found().size(),
            recipient,
            r.gone() > 0 ? "; " + r.gone() + " deleted since by the retention" : "");
      }
      out.flush();
    }
    return ExitCodes.OK;
  }

  private static String json(RecipientLookup.Found f, String recipient) {
    ObjectNode o = DeadLetterJson.MAPPER.createObjectNode();
    o.put("notification_id", f.record().notification().id());
    o.put("accepted_at", Times.iso(f.entry().acceptedAt()));
    o.put("type", f.record().notification().type());
    o.put("producer", f.record().notification().producer());
    ArrayNode routes = o.putArray("routes");
    for (RouteRecord route : f.routesOf(recipient)) {
      ObjectNode j = routes.addObject();
      j.put("route_id", route.routeId().toString());
      j.put("status", route.state().displayName());
      j.put("attempts", route.attempts());
      j.put("published_at", Times.iso(route.publishedAt()));
      j.put("stream_entry_id", route.entryId());
    }
    return o.toString();
  }
}
