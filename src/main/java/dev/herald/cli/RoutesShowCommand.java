package dev.herald.cli;

import dev.herald.api.NotificationView;
import dev.herald.config.Durations;
import dev.herald.daemon.Stores;
import dev.herald.domain.CancelRequest;
import dev.herald.domain.Failure;
import dev.herald.domain.Notification;
import dev.herald.store.NotificationRecord;
import dev.herald.store.RouteRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "show",
    description = {
      "Show a notification and the state of each of its routes.",
      "Name it by its id, or by one of its routes (NOTIFICATION_ID/ROUTE_ID, as the "
          + "dead-letter commands print it), in any case; or by the producer's idempotency "
          + "key (while intake.idempotency-window keeps the key).",
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

  @Mixin NotificationChoice notification;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Mixin WideOption wide;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    CancelRequest named = notification.request(null);
    try (Stores ctx = Stores.open(config.load())) {
      String notificationId = named.notificationId();
      if (notificationId == null) {
        notificationId =
            ctx.backend()
                .notifications()
                .findIdByIdempotencyKey(named.producer(), named.idempotencyKey())
                .orElseThrow(
                    () ->
                        new NotFoundException(
                            "no notification for producer "
                                + named.producer()
                                + " and idempotency key "
                                + named.idempotencyKey()
                                + " in namespace '"
                                + ctx.config().namespace()
                                + "' (keys are kept for intake.idempotency-window, "
                                + Durations.format(ctx.config().intake().idempotencyWindow())
                                + ")"));
      }
      String id = notificationId;
      NotificationRecord found =
          ctx.backend()
              .notifications()
              .find(id)
              .orElseThrow(
                  () ->
                      new NotFoundException(
                          "no notification "
                              + id
                              + " in namespace '"
                              + ctx.config().namespace()
                              + "' (it may have passed its retention, "
                              + "or lives under another namespace)"));
      NotificationRecord record = found;
      record = onlyTheRoute(record, notification.route());
      int defaultMax = ctx.config().delivery().maxAttempts();
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(NotificationView.json(record, defaultMax));
      } else {
        print(out, record, defaultMax, wide.width());
      }
      out.flush();
    }
    return ExitCodes.OK;
  }

  /** The record with only the route {@code ref} names, when it names one. */
  private static NotificationRecord onlyTheRoute(NotificationRecord record, Ref ref) {
    if (ref == null || ref.isNotification()) {
      return record;
    }
    int index = ref.route() != null ? record.notification().indexOf(ref.route()) : ref.index();
    if (index < 0 || index >= record.routes().size()) {
      throw new NotFoundException(
          "notification " + ref.notificationId() + " has no route " + ref.toString().substring(27));
    }
    return new NotificationRecord(record.notification(), List.of(record.routes().get(index)));
  }

  private static void print(PrintWriter out, NotificationRecord record, int defaultMax, int width) {
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
    table.print(out, width);
    if (record.routes().size() < n.routeCount()) {
      out.printf(
          "(%d of its %d routes; all of them: herald routes show %s)%n",
          record.routes().size(), n.routeCount(), n.id());
    }
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
                width));
      }
    }
  }

  private static String time(Instant t) {
    return Times.table(t);
  }

  private static String dash(String s) {
    return s == null ? "-" : s;
  }
}
