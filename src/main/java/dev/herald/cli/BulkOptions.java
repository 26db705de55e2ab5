package dev.herald.cli;

import dev.herald.daemon.Stores;
import dev.herald.deadletter.BulkRun;
import dev.herald.deadletter.DeadLetterFilter;
import dev.herald.deadletter.DeadLetterScan;
import dev.herald.deadletter.DeadLetterSource;
import dev.herald.deadletter.Pacer;
import dev.herald.deadletter.RouteRefs;
import dev.herald.deadletter.Sources;
import dev.herald.domain.RouteRef;
import dev.herald.store.DeadLetter;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * Which dead letters requeue and purge act on: routes named one by one, or filters, or {@code
 * --all}; never nothing by accident.
 */
final class BulkOptions {

  @Parameters(
      arity = "0..*",
      paramLabel = "ROUTE_REF",
      description =
          "routes to act on, NOTIFICATION_ID/ROUTE_ID as listed (a bare NOTIFICATION_ID: all its"
              + " dead letters), instead of filters")
  List<String> refs = new ArrayList<>();

  @Mixin DeadLetterFilterOptions filters;

  @Option(names = "--all", description = "every dead letter (no filters)")
  boolean all;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "0",
      description = "act on at most N routes, newest first; 0 for all (default: ${DEFAULT-VALUE})")
  long limit;

  @Option(
      names = "--dry-run",
      description = "print what would be acted on and the count; change nothing")
  boolean dryRun;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Mixin WideOption wide;

  private RouteRefs named;

  /** Checks the selection the user gave: exactly one of ROUTE_REFs, filters, --all. */
  void check(DeadLetterFilter filter, CommandSpec spec) {
    if (limit < 0) {
      throw new ParameterException(
          spec.commandLine(), "--limit must be 0 (all) or more (was " + limit + ")");
    }
    if (!refs.isEmpty()) {
      if (all || !filter.matchesEverything()) {
        throw new ParameterException(
            spec.commandLine(), "give either ROUTE_REFs or filters (or --all), not both");
      }
    } else if (all && !filter.matchesEverything()) {
      throw new ParameterException(spec.commandLine(), "--all takes no filters");
    }
    if (refs.isEmpty() && !all && filter.matchesEverything()) {
      throw new ParameterException(
          spec.commandLine(),
          "say which dead letters: ROUTE_REFs, filters (--type, --since, --classification, ...),"
              + " or --all");
    }
  }

  /** What the selection names: the ROUTE_REFs, else the dead letters {@code filter} matches. */
  DeadLetterSource source(Stores ctx, DeadLetterFilter filter) {
    if (refs.isEmpty()) {
      return new DeadLetterScan(ctx.backend().deadLetters(), ctx.backend().notifications(), filter);
    }
    List<Ref> parsed = refs.stream().map(Ref::parse).toList();
    List<RouteRef> byRouteId = parsed.stream().map(Ref::routeRef).filter(Objects::nonNull).toList();
    named = new RouteRefs(ctx.backend().notifications(), byRouteId);
    // Whole notifications and routes by index (of unreadable records): read as the filter
    // --notification reads them, which also finds the dead letters of an unreadable record.
    Set<String> whole = new HashSet<>();
    Set<String> indexed = new HashSet<>();
    for (Ref r : parsed) {
      if (r.isNotification()) {
        whole.add(r.notificationId());
      } else if (r.index() != null) {
        indexed.add(r.notificationId() + "/#" + r.index());
      }
    }
    if (whole.isEmpty() && indexed.isEmpty()) {
      return named;
    }
    Set<String> ids = new HashSet<>(whole);
    indexed.forEach(i -> ids.add(i.substring(0, i.indexOf('/'))));
    DeadLetterFilter byId =
        new DeadLetterFilter(
            Set.of(), Set.of(), Set.of(), Set.of(), ids, Optional.empty(), Optional.empty());
    DeadLetterSource scan =
        Sources.filtered(
            new DeadLetterScan(ctx.backend().deadLetters(), ctx.backend().notifications(), byId),
            d ->
                whole.contains(d.notificationId())
                    || indexed.contains(d.notificationId() + "/#" + d.index()));
    return Sources.concat(List.of(named, scan));
  }

  /** How the summary names the selection. */
  String selection(DeadLetterFilter filter) {
    return refs.isEmpty() ? filter.describe() : refs.size() + " named route(s)";
  }

  /**
   * Runs a bulk action (null: a dry run) over {@code source} with progress, Ctrl-C handling and the
   * summary; requeue and purge share it.
   */
  int run(
      Stores ctx,
      DeadLetterSource source,
      BulkRun.Action action,
      String verb,
      String done,
      String selection,
      CommandSpec spec,
      double rate) {
    PrintWriter out = new PrintWriter(spec.commandLine().getOut(), false); // flushed at the end
    BulkReport report =
        new BulkReport(
            spec.commandLine().getErr(), verb, done, BulkReport.onTerminal(), ctx.clock());
    AtomicBoolean stop = new AtomicBoolean();
    if (action != null) {
      Signals.onStop(() -> stop.set(true));
    }
    int defaultMax = ctx.config().delivery().maxAttempts();
    StreamedTable table =
        new StreamedTable(out, wide.width(), "DEAD SINCE", "ROUTE", "TYPE", "PRODUCER", "ATTEMPTS");
    BulkRun.Options options =
        new BulkRun.Options(
            limit,
            new Pacer(rate, ctx.clock(), d -> Thread.sleep(d.toMillis())),
            stop::get,
            action == null ? BulkRun.Progress.NONE : report,
            dryRun && !json
                ? d -> DeadLettersListCommand.row(table, d, defaultMax)
                : (DeadLetter d) -> {});
    BulkRun.Summary summary = new BulkRun(ctx.clock()).run(source, action, options);
    table.flush();
    return report.summary(out, withNamed(summary), dryRun, json, selection);
  }

  /** The run's summary with the named routes that were not dead letters, or do not exist. */
  private BulkRun.Summary withNamed(BulkRun.Summary summary) {
    if (named == null) {
      return summary;
    }
    List<String> notes = new ArrayList<>(named.unknown());
    notes.addAll(named.notDead());
    return summary.plus(named.notDead().size(), named.unknown().size(), notes);
  }
}
