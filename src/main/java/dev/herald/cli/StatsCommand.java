package dev.herald.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.channel.ChannelActions.ChannelView;
import dev.herald.daemon.Stores;
import dev.herald.store.BreakerBoard.StreamBreaker;
import dev.herald.store.IntakeSnapshot;
import dev.herald.store.RouteFigures;
import dev.herald.store.StoreSnapshot;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "stats",
    description = {
      "Show what the store holds now, and what runs on it.",
      "Routes by status, schedule depth, routes due now and the lag of the oldest, dead "
          + "letters by classification, gateway stream lengths, the stream breakers open in "
          + "running Herald processes, the intake (intents waiting, unacknowledged per "
          + "consumer, rejected), Redis's eviction policy and this host's clock offset, and "
          + "totals.",
    },
    footer = {
      "",
      "Examples:",
      "  herald stats",
      "  herald stats --by-type",
      "  herald stats --json | jq .dead_letters.by_classification",
      "",
      "pending and failed include the routes a worker holds at the moment. The figures by",
      "type and classification are kept by the scripts as routes change (no scan); the",
      "dead-letter total is the size of the dead-letter index. A breaker shows while its",
      "process keeps reporting it (every few seconds); one not reported for 30s is left out.",
      "Exit codes: 0 ok, 69 Redis unavailable, 78 bad config.",
    })
final class StatsCommand implements Callable<Integer> {

  static final List<String> TYPE_TOTALS =
      List.of("accepted", "published", "expired", "cancelled", "requeued", "purged");

  @Mixin ConfigOption config;

  @Option(names = "--by-type", description = "the route figures per notification type as well")
  boolean byType;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Mixin WideOption wide;

  private int width;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (Stores ctx = Stores.open(config.load())) {
      Instant now = ctx.clock().instant();
      List<String> streams = ctx.config().channels().streams();
      StoreSnapshot snapshot = ctx.backend().stats().snapshot(now, streams);
      RouteFigures figures = ctx.backend().stats().routeFigures();
      IntakeSnapshot intake = ctx.intents().snapshot();
      StatsRedisSection redis =
          new StatsRedisSection(
              ctx.backend().primary().primary(),
              ctx.backend().serverInfo().replication(),
              ctx.backend().serverInfo().evictionPolicy(),
              ctx.clockOffset());
      List<StreamBreaker> breakers = ctx.backend().breakers().read(now);
      List<ChannelView> channels = ctx.channels().list();
      PrintWriter out = spec.commandLine().getOut();
      width = wide.width();
      if (json) {
        ObjectNode root = toJson(now, snapshot, figures, intake);
        StatsBreakers.json(root, breakers);
        root.set("channels", ChannelsCommand.jsonArray(channels));
        redis.toJson(root.putObject("redis"));
        out.println(DeadLetterJson.line(root));
      } else {
        print(out, ctx.config().namespace(), now, snapshot, figures, intake, breakers, redis);
        printChannels(out, channels);
      }
      out.flush();
    }
    return ExitCodes.OK;
  }

  private void print(
      PrintWriter out,
      String namespace,
      Instant now,
      StoreSnapshot s,
      RouteFigures f,
      IntakeSnapshot intake,
      List<StreamBreaker> breakers,
      StatsRedisSection redis) {
    out.printf("herald stats at %s, namespace '%s'%n%n", Times.table(now), namespace);
    out.println("routes now");
    line(out, "pending", f.total("pending"), "waiting for a first attempt");
    line(out, "failed", f.total("failed"), "waiting for a retry");
    line(out, "dead_letter", s.deadLetters(), "waiting for an operator: herald dead-letters list");
    out.println();
    out.println("schedule");
    line(out, "groups", s.scheduledGroups(), "each up to 64 routes of one notification");
    line(out, "due now", s.dueGroups(), "groups waiting for a worker");
    out.printf(
        "  %-24s %s%n",
        "oldest due",
        s.oldestDue()
            .map(t -> Times.table(t) + ", lag " + Times.span(s.lag(now)))
            .orElse("nothing scheduled"));
    out.println();
    out.println("dead letters by classification (of the last failure)");
    Map<String, Long> classes = f.deadLettersByClassification(null);
    if (classes.isEmpty()) {
      out.println("  none");
    }
    classes.forEach((name, n) -> line(out, name, n, ""));
    out.println();
    out.println("streams");
    s.streamLengths().forEach((name, n) -> line(out, name, n, n < 0 ? "not a stream" : "entries"));
    out.println();
    StatsBreakers.print(out, now, breakers, width);
    out.println();
    printIntake(out, intake);
    out.println();
    redis.print(out, width);
    out.println();
    out.println("totals since the store was created");
    s.counters().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> line(out, e.getKey(), e.getValue(), ""));
    if (byType) {
      out.println();
      printByType(out, f);
    }
  }

  private static void printChannels(PrintWriter out, List<ChannelView> channels) {
    out.println();
    out.println("channels (herald channels list)");
    for (ChannelView c : channels) {
      String state =
          c.paused()
              ? "paused since "
                  + Times.table(c.pausedSince().get())
                  + ": its routes wait, uncharged"
              : "flowing";
      String rate =
          c.rateLimit().isPresent()
              ? String.format(
                  ", at most %,d routes/s (%s)", c.rateLimit().getAsLong(), c.rateSource())
              : "";
      out.printf("  %-24s %s%s%n", c.name(), state, rate);
    }
  }

  private void printIntake(PrintWriter out, IntakeSnapshot i) {
    out.println("intake from " + i.stream());
    line(out, "waiting", i.streamLength(), i.streamLength() < 0 ? "not a stream" : "intents");
    if (!i.groupExists()) {
      out.println("  no consumer group yet: herald run creates it");
    } else {
      line(out, "unacknowledged", i.pending(), "read by a consumer, not settled yet");
      i.pendingByConsumer().entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(e -> line(out, "  " + e.getKey(), e.getValue(), ""));
    }
    line(out, "rejected", i.rejectedTotal(), "since the store was created; herald intake rejected");
    line(out, "rejected stream", i.rejectedLength(), "entries kept (bounded)");
  }

  private void printByType(PrintWriter out, RouteFigures f) {
    out.println("routes by notification type (now: pending, failed, dead; totals: the rest)");
    TextTable table =
        new TextTable(
            "TYPE",
            "PENDING",
            "FAILED",
            "DEAD",
            "ACCEPTED",
            "PUBLISHED",
            "EXPIRED",
            "CANCELLED",
            "REQUEUED",
            "PURGED");
    TextTable dead = new TextTable("TYPE", "CLASSIFICATION", "DEAD LETTERS");
    f.byType()
        .forEach(
            (type, figures) -> {
              String name = type.isEmpty() ? "(unknown)" : type;
              table.row(
                  name,
                  number(f.of(type, "pending")),
                  number(f.of(type, "failed")),
                  number(f.deadLetters(type)),
                  number(f.of(type, "accepted")),
                  number(f.of(type, "published")),
                  number(f.of(type, "expired")),
                  number(f.of(type, "cancelled")),
                  number(f.of(type, "requeued")),
                  number(f.of(type, "purged")));
              f.deadLettersByClassification(type)
                  .forEach(
                      (c, n) -> {
                        if (n != 0) {
                          dead.row(name, c, number(n));
                        }
                      });
            });
    table.print(out, width);
    out.println();
    out.println("dead letters by notification type and classification");
    if (f.deadLetters(null) == 0) {
      out.println("  none");
    } else {
      dead.print(out, width);
    }
  }

  private void line(PrintWriter out, String name, long value, String note) {
    out.println(
        TextTable.fit(
            String.format(Locale.ROOT, "  %-24s %12s   %s", name, number(value), note)
                .stripTrailing(),
            width));
  }

  private static String number(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private ObjectNode toJson(Instant now, StoreSnapshot s, RouteFigures f, IntakeSnapshot i) {
    ObjectNode root = DeadLetterJson.MAPPER.createObjectNode();
    root.put("at", Times.iso(now));
    ObjectNode routes = root.putObject("routes");
    routes.put("pending", f.total("pending"));
    routes.put("failed", f.total("failed"));
    routes.put("dead_letter", s.deadLetters());
    ObjectNode schedule = root.putObject("schedule");
    schedule.put("groups", s.scheduledGroups());
    schedule.put("due_now", s.dueGroups());
    schedule.put("oldest_due_at", s.oldestDue().map(Times::iso).orElse(null));
    schedule.put("lag_seconds", s.lag(now).toMillis() / 1000.0);
    ObjectNode dead = root.putObject("dead_letters");
    dead.put("total", s.deadLetters());
    ObjectNode classes = dead.putObject("by_classification");
    f.deadLettersByClassification(null).forEach(classes::put);
    ObjectNode streams = root.putObject("streams");
    s.streamLengths().forEach(streams::put);
    ObjectNode intake = root.putObject("intake");
    intake.put("stream", i.stream());
    intake.put("length", i.streamLength());
    intake.put("group_exists", i.groupExists());
    intake.put("pending", i.pending());
    ObjectNode consumers = intake.putObject("pending_by_consumer");
    i.pendingByConsumer().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> consumers.put(e.getKey(), e.getValue()));
    intake.put("rejected_total", i.rejectedTotal());
    intake.put("rejected_stream_length", i.rejectedLength());
    ObjectNode totals = root.putObject("totals");
    s.counters().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> totals.put(e.getKey(), e.getValue()));
    if (byType) {
      ObjectNode types = root.putObject("by_type");
      f.byType()
          .keySet()
          .forEach(
              type -> {
                ObjectNode t = types.putObject(type);
                t.put("pending", f.of(type, "pending"));
                t.put("failed", f.of(type, "failed"));
                t.put("dead_letter", f.deadLetters(type));
                ObjectNode c = t.putObject("dead_letters_by_classification");
                f.deadLettersByClassification(type).forEach(c::put);
                TYPE_TOTALS.forEach(name -> t.put(name, f.of(type, name)));
              });
    }
    return root;
  }
}
