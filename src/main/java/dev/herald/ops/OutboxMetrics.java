package dev.herald.ops;

import dev.herald.intake.RejectedFields;
import dev.herald.outbox.OutboxListener;
import dev.herald.outbox.OutboxSetupException;
import dev.herald.outbox.OutboxUnavailableException;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;

/**
 * Metrics of the PostgreSQL outbox relay in this process, fed by {@link OutboxListener} events. The
 * lag gauge reports the age of the oldest pending row as last measured, grown by the time since (so
 * that it keeps rising while the database cannot be asked); none is reported before the relay first
 * measured it.
 */
final class OutboxMetrics implements OutboxListener {

  private final Counter relayed;
  private final Counter rejected;
  private final Counter inDoubt;
  private final Counter deferred;
  private final Counter retired;
  private final Counter errors;
  private final Histogram batchDuration;
  private final Histogram batchSize;
  private volatile long lagNanos = -1;
  private volatile long lagMeasuredAt;
  private volatile int listening = -1;

  OutboxMetrics(PrometheusRegistry registry) {
    relayed =
        Counter.builder()
            .name("herald_outbox_rows_relayed_total")
            .help(
                "Outbox rows handed to Herald and marked relayed: created a notification, or"
                    + " duplicate (an attempt that did not commit had made it)")
            .labelNames("result")
            .register(registry);
    relayed.initLabelValues("created");
    relayed.initLabelValues("duplicate");
    rejected =
        Counter.builder()
            .name("herald_outbox_rows_rejected_total")
            .help("Outbox rows marked rejected as invalid, by the first field named")
            .labelNames("field")
            .register(registry);
    inDoubt =
        Counter.builder()
            .name("herald_outbox_rows_in_doubt_total")
            .help("Outbox rows set aside as in doubt: an earlier attempt may have reached Herald")
            .register(registry);
    deferred =
        Counter.builder()
            .name("herald_outbox_rows_deferred_total")
            .help("Outbox rows left pending for a later attempt because Redis could not take them")
            .register(registry);
    retired =
        Counter.builder()
            .name("herald_outbox_rows_retired_total")
            .help("Relayed outbox rows deleted by sources.postgres.retention")
            .register(registry);
    errors =
        Counter.builder()
            .name("herald_outbox_errors_total")
            .help("Relay cycles that failed as a whole, by kind: unavailable, setup, other")
            .labelNames("kind")
            .register(registry);
    for (String kind : new String[] {"unavailable", "setup", "other"}) {
      errors.initLabelValues(kind);
    }
    batchDuration =
        Histogram.builder()
            .name("herald_outbox_batch_duration_seconds")
            .help("Time of an outbox batch with rows, claim to commit")
            .classicOnly()
            .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
            .register(registry);
    batchSize =
        Histogram.builder()
            .name("herald_outbox_batch_size_rows")
            .help("Rows per outbox batch with rows")
            .classicOnly()
            .classicUpperBounds(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)
            .register(registry);
    GaugeWithCallback.builder()
        .name("herald_outbox_lag_seconds")
        .help("Age of the oldest pending outbox row (0 when none is pending)")
        .callback(
            cb -> {
              long lag = lagNanos;
              if (lag >= 0) {
                long since = lag == 0 ? 0 : System.nanoTime() - lagMeasuredAt;
                cb.call((lag + since) / 1e9);
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("herald_outbox_listening")
        .help("1 while the relay's LISTEN connection is up, 0 while it polls only")
        .callback(
            cb -> {
              if (listening >= 0) {
                cb.call(listening);
              }
            })
        .register(registry);
  }

  @Override
  public void onRelayed(int created, int duplicates) {
    relayed.labelValues("created").inc(created);
    relayed.labelValues("duplicate").inc(duplicates);
  }

  @Override
  public void onRejected(String field) {
    rejected.labelValues(RejectedFields.label(field)).inc();
  }

  @Override
  public void onInDoubt(int rows) {
    inDoubt.inc(rows);
  }

  @Override
  public void onDeferred(int rows) {
    deferred.inc(rows);
  }

  @Override
  public void onBatch(int rows, Duration took) {
    batchSize.observe(rows);
    batchDuration.observe(took.toNanos() / 1e9);
  }

  @Override
  public void onCycleFailed(RuntimeException error) {
    String kind =
        error instanceof OutboxUnavailableException
            ? "unavailable"
            : error instanceof OutboxSetupException ? "setup" : "other";
    errors.labelValues(kind).inc();
  }

  @Override
  public void onLag(Duration oldestPending) {
    lagMeasuredAt = System.nanoTime();
    lagNanos = oldestPending.toNanos();
  }

  @Override
  public void onListening(boolean up) {
    listening = up ? 1 : 0;
  }

  @Override
  public void onRetired(int rows) {
    retired.inc(rows);
  }
}
