package dev.herald.cli;

import dev.herald.api.NotificationView;
import dev.herald.config.Durations;
import dev.herald.domain.Failure;
import dev.herald.domain.Notification;
import dev.herald.store.NotificationRecord;
import dev.herald.store.RouteRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "show",
    description = {
      "Show a notification and the state of each of its routes. Name it by its id, or by the",
      "producer's idempotency key (while intake.idempotency-window keeps the key).",
    },
    footer = {
      "",
      "Statuses: pending, leased (a worker is publishing it), failed (waiting",
      "for a retry), published, dead_letter, expired, cancelled, purged.",
      "",
      "Examples:",
      "  herald routes show 01JDQ5XKZ7W3M1V9Y4T0R8E6PA",
      "  herald routes show --json 01JDQ5XKZ7W3M1V9Y4T0R8E6PA | jq '.routes[].status'",
      "  herald routes show --idempotency-key turn-42 --producer game-engine",
      "",
      "Exit codes: 0 ok, 1 no such notification, 2 usage, 69 Redis unavailable, 78 bad config.",
    })
final class RoutesShowCommand implements Callable<Integer> {

  @Mixin ConfigOption config;

  @Parameters(
      arity = "0..1",
      paramLabel = "NOTIFICATION_ID",
      description = "the id `herald submit` printed")
  String notificationId;

  @Option(
      names = "--idempotency-key",
      paramLabel = "KEY",
      description = "the notification this idempotency key names (with --producer)")
  String idempotencyKey;

  @Option(
      names = "--producer",
      paramLabel = "PRODUCER",
      description = "the producer whose --idempotency-key it is")
  String producer;

  @Option(names = "--json", description = "print one JSON object (fields in snake_case)")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    boolean byKey = idempotencyKey != null || producer != null;
    if ((notificationId == null) == !byKey) {
      throw new ParameterException(
          spec.commandLine(),
          "give a NOTIFICATION_ID, or --idempotency-key KEY with --producer PRODUCER");
    }
    if (byKey && (idempotencyKey == null || producer == null)) {
      throw new ParameterException(
          spec.commandLine(), "--idempotency-key and --producer go together");
    }
    try (CliContext ctx = CliContext.open(config)) {
      if (byKey) {
        notificationId =
            ctx.backend()
                .notifications()
                .findIdByIdempotencyKey(producer, idempotencyKey)
                .orElseThrow(
                    () ->
                        new NotFoundException(
                            "no notification for producer "
                                + producer
                                + " and idempotency key "
                                + idempotencyKey
                                + " in namespace '"
                                + ctx.config().namespace()
                                + "' (keys are kept for intake.idempotency-window, "
                                + Durations.format(ctx.config().intake().idempotencyWindow())
                                + ")"));
      }
      NotificationRecord record =
          ctx.backend()
              .notifications()
              .find(notificationId)
              .orElseThrow(
                  () ->
                      new NotFoundException(
                          "no notification "
                              + notificationId
                              + " in namespace '"
                              + ctx.config().namespace()
                              + "' (it may have passed its retention, "
                              + "or lives under another namespace)"));
      int defaultMax = ctx.config().delivery().maxAttempts();
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(NotificationView.pretty(record, defaultMax));
      } else {
        print(out, record, defaultMax);
      }
      out.flush();
    }
    return ExitCodes.OK;
  }

  private static void print(PrintWriter out, NotificationRecord record, int defaultMax) {
    Notification n = record.notification();
    out.printf("notification %s%n", n.id());
    out.printf("  type %s, producer %s%n", n.type(), n.producer());
    out.printf(
        "  accepted %s, send at %s, max attempts %d%s%n",
        time(n.acceptedAt()),
        time(n.sendAt()),
        n.maxAttemptsOr(defaultMax),
        n.maxAttempts() == null ? " (config default)" : "");
    if (n.expiresAt() != null) {
      out.printf("  expires %s: routes not published by then end expired%n", time(n.expiresAt()));
    }
    if (n.idempotencyKey() != null || n.requestId() != null || n.traceId() != null) {
      out.printf(
          "  idempotency key %s, request %s, trace %s%n",
          dash(n.idempotencyKey()), dash(n.requestId()), dash(n.traceId()));
    }
    out.println();
    TextTable table =
        new TextTable("ROUTE", "STATUS", "ATTEMPTS", "NEXT ATTEMPT", "PUBLISHED", "ENTRY");
    for (RouteRecord r : record.routes()) {
      table.row(
          r.routeId().toString(),
          r.state().displayName(),
          r.attempts() + "/" + n.maxAttemptsOr(defaultMax),
          time(r.nextAttemptAt()),
          time(r.publishedAt()),
          dash(r.entryId()));
    }
    table.print(out);
    for (RouteRecord r : record.routes()) {
      Failure f = r.lastFailure();
      if (f != null) {
        out.println(
            TextTable.fit(
                "  "
                    + r.routeId()
                    + " last failure, attempt "
                    + f.attempt()
                    + " at "
                    + time(f.at())
                    + ": "
                    + f.kind().wireName()
                    + ": "
                    + f.message(),
                TextTable.DEFAULT_WIDTH));
      }
    }
  }

  private static String iso(Instant t) {
    return Times.iso(t);
  }

  private static String time(Instant t) {
    return Times.table(t);
  }

  private static String dash(String s) {
    return s == null ? "-" : s;
  }
}
