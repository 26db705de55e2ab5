package dev.herald.ops;

import dev.herald.api.ApiListener;
import dev.herald.spool.SpoolFigures;
import dev.herald.spool.SpoolListener;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Supplier;

/** Metrics of the HTTP API and its spool, fed by their listener events and figures. */
final class SpoolMetrics implements SpoolListener, ApiListener {

  private final Counter appended;
  private final Counter replayed;
  private final Counter replayFailures;
  private final Counter refused;
  private final Counter torn;
  private final Counter corrupt;
  private final Counter setAside;
  private final Counter requests;
  private final Histogram duration;
  private volatile Supplier<SpoolFigures> figures;

  SpoolMetrics(PrometheusRegistry registry) {
    appended =
        Counter.builder()
            .name("herald_spool_appended_total")
            .help("Notifications appended to the spool (answered 202)")
            .register(registry);
    replayed =
        Counter.builder()
            .name("herald_spool_replayed_total")
            .help("Notifications replayed from the spool into Redis")
            .register(registry);
    replayFailures =
        Counter.builder()
            .name("herald_spool_replay_failures_total")
            .help("Replay calls that failed (Redis down or refusing); tried again")
            .register(registry);
    refused =
        Counter.builder()
            .name("herald_spool_refused_total")
            .help("Appends the spool refused (answered 503 or 504), by reason: full or io")
            .labelNames("reason")
            .register(registry);
    torn =
        Counter.builder()
            .name("herald_spool_torn_records_total")
            .help("Torn last lines truncated at start")
            .register(registry);
    corrupt =
        Counter.builder()
            .name("herald_spool_corrupt_segments_total")
            .help("Unreadable segments renamed corrupt-* at start (not replayed)")
            .register(registry);
    setAside =
        Counter.builder()
            .name("herald_spool_set_aside_total")
            .help(
                "Records the replay set aside into rejected-* (not in Redis), by reason: invalid"
                    + " (the rules of now refuse it) or refused (Redis did)")
            .labelNames("reason")
            .register(registry);
    setAside.labelValues("invalid");
    setAside.labelValues("refused");
    requests =
        Counter.builder()
            .name("herald_api_requests_total")
            .help("HTTP API requests answered, by endpoint and status")
            .labelNames("endpoint", "status")
            .register(registry);
    duration =
        Histogram.builder()
            .name("herald_api_request_duration_seconds")
            .help("HTTP API request time, arrival to answer")
            .labelNames("endpoint")
            .classicUpperBounds(0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
            .register(registry);
    refused.labelValues("full");
    refused.labelValues("io");
    GaugeWithCallback.builder()
        .name("herald_spool_bytes")
        .help("Bytes of spool segments on disk")
        .callback(cb -> figures().ifPresent(f -> cb.call(f.bytes())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("herald_spool_records")
        .help("Notifications in the spool, not replayed yet")
        .callback(cb -> figures().ifPresent(f -> cb.call(f.records())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("herald_spool_oldest_record_age_seconds")
        .help("How long the oldest notification in the spool has waited (0 when empty)")
        .callback(cb -> figures().ifPresent(f -> cb.call(f.oldestRecordAge().toMillis() / 1000.0)))
        .register(registry);
  }

  void watch(Supplier<SpoolFigures> figures) {
    this.figures = figures;
  }

  private java.util.Optional<SpoolFigures> figures() {
    Supplier<SpoolFigures> f = figures;
    return f == null ? java.util.Optional.empty() : java.util.Optional.of(f.get());
  }

  @Override
  public void onAppended(int records, long bytes) {
    appended.inc(records);
  }

  @Override
  public void onRefused(String reason) {
    refused.labelValues(reason).inc();
  }

  @Override
  public void onReplayed(int records, int duplicates) {
    replayed.inc(records);
  }

  @Override
  public void onReplayFailed() {
    replayFailures.inc();
  }

  @Override
  public void onTornRecord() {
    torn.inc();
  }

  @Override
  public void onCorruptSegment() {
    corrupt.inc();
  }

  @Override
  public void onSetAside(int records, String reason) {
    setAside.labelValues(reason).inc(records);
  }

  @Override
  public void onRequest(String endpoint, int status, double seconds) {
    requests.labelValues(endpoint, Integer.toString(status)).inc();
    duration.labelValues(endpoint).observe(seconds);
  }
}
