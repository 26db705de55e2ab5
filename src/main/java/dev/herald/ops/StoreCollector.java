package dev.herald.ops;

import dev.herald.store.StatsStore;
import dev.herald.store.StoreSnapshot;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Gauges read from the store at scrape time, in one round trip ({@link StatsStore#snapshot}) within
 * a time budget: schedule depth, due groups, the age of the oldest due group (lag), dead letters,
 * stream lengths, and the store's own counters (all processes together, CLI commands included).
 * When Redis does not answer in time only {@code herald_redis_up 0} is reported, and the scrape is
 * not held up.
 */
final class StoreCollector implements MultiCollector, AutoCloseable {

  private final Clock clock;
  private final Duration budget;
  private final Metrics metrics;
  private final String intake;
  private final BoundedCall<StoreSnapshot> snapshot;

  /**
   * @param streams the channels' streams
   * @param intake the intents stream, whose length is the intake's backlog
   */
  StoreCollector(
      StatsStore store,
      Supplier<Collection<String>> streams,
      String intake,
      Clock clock,
      Duration budget,
      Metrics metrics) {
    this.clock = clock;
    this.budget = budget;
    this.metrics = metrics;
    this.intake = intake;
    this.snapshot =
        new BoundedCall<>(
            "herald-ops-store",
            () -> {
              List<String> all = new ArrayList<>(streams.get());
              all.add(intake);
              return store.snapshot(clock.instant(), all);
            });
  }

  @Override
  public MetricSnapshots collect() {
    StoreSnapshot s;
    try {
      s = snapshot.get(budget);
    } catch (TimeoutException e) {
      metrics.redisError("timeout");
      return MetricSnapshots.of(up(false));
    } catch (ExecutionException e) {
      String kind = e.getCause() instanceof RuntimeException r ? Metrics.redisErrorKind(r) : null;
      metrics.redisError(kind == null ? "unavailable" : kind);
      return MetricSnapshots.of(up(false));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return MetricSnapshots.of(up(false));
    }
    Instant now = clock.instant();
    double lag = s.lag(now).toMillis() / 1000.0;
    List<MetricSnapshot> out = new ArrayList<>();
    out.add(up(true));
    out.add(
        gauge(
            "herald_schedule_groups",
            "Schedule entries (groups of up to 64 routes of a notification) that need a worker",
            s.scheduledGroups()));
    out.add(
        gauge(
            "herald_schedule_due_groups",
            "Schedule entries due now: waiting for a worker, or whose lease ran out",
            s.dueGroups()));
    out.add(
        gauge(
            "herald_schedule_lag_seconds",
            "How long the most overdue schedule entry has been due (0 when none is)",
            lag));
    out.add(gauge("herald_dead_letter_routes", "Routes that are dead letters", s.deadLetters()));
    out.add(
        GaugeSnapshot.builder()
            .name("herald_routes_waiting")
            .help(
                "Routes waiting now, by state: pending (a first attempt), failed (a retry; both"
                    + " include routes a worker holds), dead_letter (an operator)")
            .dataPoint(state("pending", s.figures().total("pending")))
            .dataPoint(state("failed", s.figures().total("failed")))
            .dataPoint(state("dead_letter", s.deadLetters()))
            .build());
    out.add(
        gauge(
            "herald_intake_backlog_intents",
            "Intents in the intents stream not settled yet (-1 when the key is not a stream)",
            s.streamLengths().getOrDefault(intake, 0L)));
    GaugeSnapshot.Builder lengths =
        GaugeSnapshot.builder()
            .name("herald_stream_length_entries")
            .help("Entries in each channel's stream (-1 when the key is not a stream)");
    for (Map.Entry<String, Long> e : s.streamLengths().entrySet()) {
      if (e.getKey().equals(intake)) {
        continue; // the backlog above
      }
      lengths.dataPoint(
          GaugeDataPointSnapshot.builder()
              .labels(Labels.of("stream", e.getKey()))
              .value(e.getValue())
              .build());
    }
    out.add(lengths.build());
    CounterSnapshot.Builder events =
        CounterSnapshot.builder()
            .name("herald_store_events")
            .help(
                "The store's own counters, for all processes together (max over instances, never"
                    + " sum): routes_accepted, published, retried, dead_lettered, expired,"
                    + " cancelled, …");
    for (Map.Entry<String, Long> e : new TreeMap<>(s.counters()).entrySet()) {
      events.dataPoint(
          CounterDataPointSnapshot.builder()
              .labels(Labels.of("event", e.getKey()))
              .value(e.getValue())
              .build());
    }
    out.add(events.build());
    return new MetricSnapshots(out);
  }

  private static GaugeDataPointSnapshot state(String state, long routes) {
    return GaugeDataPointSnapshot.builder().labels(Labels.of("state", state)).value(routes).build();
  }

  private static MetricSnapshot up(boolean up) {
    return gauge(
        "herald_redis_up", "1 when Redis answered the scrape's store query in time", up ? 1 : 0);
  }

  private static MetricSnapshot gauge(String name, String help, double value) {
    return GaugeSnapshot.builder()
        .name(name)
        .help(help)
        .dataPoint(GaugeDataPointSnapshot.builder().value(value).build())
        .build();
  }

  @Override
  public void close() {
    snapshot.close();
  }
}
