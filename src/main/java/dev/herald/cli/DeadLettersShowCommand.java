package dev.herald.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.daemon.Stores;
import dev.herald.domain.Failure;
import dev.herald.domain.Notification;
import dev.herald.domain.RouteState;
import dev.herald.store.CorruptRecordException;
import dev.herald.store.NotificationRecord;
import dev.herald.store.RouteRecord;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "show",
    description = {
      "Show everything known about one route, with the history of its failed attempts.",
      "Its notification, status, attempts and each failed attempt, oldest first "
          + "(delivery.failure-history of them are kept).",
    },
    footer = {
      "",
      "Examples:",
      "  herald dead-letters show 01JDQ5XKZ7W3M1V9Y4T0R8E6PA/push:u-1",
      "  herald dead-letters show --json 01JDQ5XKZ7W3M1V9Y4T0R8E6PA/push:u-1 | jq .failures",
      "",
      "Exit codes: 0 ok (also for a route that is no longer a dead letter: see its status),",
      "1 no such route, 65 malformed ROUTE_REF, 69 Redis unavailable.",
    })
final class DeadLettersShowCommand implements Callable<Integer> {

  @Mixin ConfigOption config;

  @Parameters(
      paramLabel = "ROUTE_REF",
      description = "NOTIFICATION_ID/ROUTE_ID as listed, the id in any case")
  String ref;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Mixin WideOption wide;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws JsonProcessingException {
    Ref named = Ref.parse(ref);
    if (named.isNotification()) {
      throw new BadInputException(
          "'"
              + ref
              + "' names a notification; show names one of its routes, NOTIFICATION_ID/ROUTE_ID"
              + " (its routes: herald routes show "
              + named.notificationId()
              + "; its dead letters: herald dead-letters list --notification "
              + named.notificationId()
              + ")");
    }
    try (Stores ctx = Stores.open(config.load())) {
      String id = named.notificationId();
      NotificationRecord record;
      try {
        record = ctx.backend().notifications().find(id).orElseThrow(() -> notFound(ctx, id));
      } catch (CorruptRecordException e) {
        if (named.index() == null) {
          throw e;
        }
        return UnreadableDeadLetter.show(ctx, named, spec.commandLine().getOut(), json);
      }
      int index =
          named.route() != null ? record.notification().indexOf(named.route()) : named.index();
      if (index < 0 || index >= record.routes().size()) {
        throw new NotFoundException(
            "notification "
                + id
                + " has no route "
                + (named.route() != null ? named.route() : "#" + named.index())
                + " (its routes: "
                + record.notification().channels()
                + " x "
                + record.notification().recipients().size()
                + " recipient(s))");
      }
      RouteRecord route = record.routes().get(index);
      int defaultMax = ctx.config().delivery().maxAttempts();
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(DeadLetterJson.line(toJson(record.notification(), route, defaultMax)));
      } else {
        print(out, record.notification(), route, defaultMax, wide.width());
      }
      out.flush();
    }
    return ExitCodes.OK;
  }

  private static NotFoundException notFound(Stores ctx, String id) {
    return new NotFoundException(
        "no notification "
            + id
            + " in namespace '"
            + ctx.config().namespace()
            + "' (it may have passed its retention)");
  }

  private static void print(
      PrintWriter out, Notification n, RouteRecord r, int defaultMax, int width) {
    String ref = n.id() + "/" + r.routeId();
    out.printf("route %s%n", ref);
    out.printf(
        "  status %s, attempts %d of %d%s%n",
        r.state().displayName(),
        r.attempts(),
        n.maxAttemptsOr(defaultMax),
        n.maxAttempts() == null ? " (config default)" : "");
    if (r.state() == RouteState.DEAD_LETTER) {
      out.printf("  dead since %s%n", Times.table(r.deadAt()));
    } else if (r.deadAt() != null) {
      out.printf("  ended %s%n", Times.table(r.deadAt()));
    }
    if (r.nextAttemptAt() != null) {
      out.printf("  next attempt %s%n", Times.table(r.nextAttemptAt()));
    }
    if (r.publishedAt() != null) {
      out.printf("  published %s as stream entry %s%n", Times.table(r.publishedAt()), r.entryId());
    }
    out.printf("notification %s%n", n.id());
    out.printf("  type %s, producer %s%n", n.type(), n.producer());
    out.printf("  accepted %s, send at %s%n", Times.table(n.acceptedAt()), Times.table(n.sendAt()));
    if (n.idempotencyKey() != null || n.requestId() != null || n.traceId() != null) {
      out.printf(
          "  idempotency key %s, request %s, trace %s%n",
          dash(n.idempotencyKey()), dash(n.requestId()), dash(n.traceId()));
    }
    out.println(TextTable.fit("  payload " + n.payloadJson(), width));
    out.println();
    if (r.failures().isEmpty()) {
      out.println("no failed attempts recorded");
    } else {
      out.println("failed attempts, oldest first:");
      for (Failure f : r.failures()) {
        out.printf(
            "  attempt %d at %s: %s%n", f.attempt(), Times.table(f.at()), f.kind().wireName());
        for (String line : wrap(f.message(), width - 4)) {
          out.println("    " + line);
        }
      }
    }
    if (r.state() == RouteState.DEAD_LETTER) {
      out.println();
      out.println("requeue it:  herald dead-letters requeue " + ref);
    }
  }

  private static ObjectNode toJson(Notification n, RouteRecord r, int defaultMax) {
    ObjectNode o = DeadLetterJson.summary(n, r, defaultMax);
    o.put("status", r.state().displayName());
    o.put("ended_at", Times.iso(r.deadAt()));
    o.put("next_attempt_at", Times.iso(r.nextAttemptAt()));
    o.put("published_at", Times.iso(r.publishedAt()));
    o.put("stream_entry_id", r.entryId());
    ArrayNode failures = o.putArray("failures");
    r.failures().forEach(f -> failures.add(DeadLetterJson.failure(f)));
    ObjectNode note = o.putObject("notification");
    note.put("type", n.type());
    note.put("producer", n.producer());
    note.put("idempotency_key", n.idempotencyKey());
    note.put("request_id", n.requestId());
    note.put("trace_id", n.traceId());
    note.put("accepted_at", Times.iso(n.acceptedAt()));
    note.put("send_at", Times.iso(n.sendAt()));
    note.put("max_attempts", n.maxAttemptsOr(defaultMax));
    note.put("recipients", n.recipients().size());
    note.putArray("channels").addAll(n.channels().stream().map(note::textNode).toList());
    try {
      note.set("payload", DeadLetterJson.MAPPER.readTree(n.payloadJson()));
    } catch (JsonProcessingException e) {
      note.put("payload", n.payloadJson());
    }
    return o;
  }

  static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    for (String para : text.split("\n")) {
      String rest = para;
      while (rest.length() > width) {
        int cut = rest.lastIndexOf(' ', width);
        if (cut <= 0) {
          cut = width;
        }
        lines.add(rest.substring(0, cut));
        rest = rest.substring(cut).stripLeading();
      }
      lines.add(rest);
    }
    return lines;
  }

  private static String dash(String s) {
    return s == null ? "-" : s;
  }
}
