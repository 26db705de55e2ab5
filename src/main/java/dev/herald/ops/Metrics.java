package dev.herald.ops;

import dev.herald.domain.Failure;
import dev.herald.domain.FailureKind;
import dev.herald.publish.PublisherListener;
import dev.herald.publish.RouteInfo;
import dev.herald.store.StoreAccessDeniedException;
import dev.herald.store.StoreException;
import dev.herald.store.StoreUnavailableException;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * Herald's Prometheus metrics of publishing, fed by the publisher's listener events (the intake's
 * are {@link IntakeMetrics}, on the same registry). Names are {@code herald_<what>_<unit>}. Labels:
 * {@code channel} (bounded by the configured channels) and {@code type} (the first {@code
 * maxTypeLabels} notification types seen, later ones as {@code other}).
 */
public final class Metrics implements PublisherListener {

  /** Redis error kinds: how the store classified the failure, or where it was seen. */
  static final List<String> REDIS_ERROR_KINDS =
      List.of("unavailable", "access_denied", "reply_error", "stream_unavailable", "timeout");

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final BoundedLabels types;
  private final BoundedLabels reasons = new BoundedLabels(16);
  private final Set<String> initialised = ConcurrentHashMap.newKeySet();

  private final Counter published = routeCounter("published", "Routes appended to their stream");
  private final Counter retried = routeCounter("retried", "Failed attempts scheduled for a retry");
  private final Counter deadLettered =
      routeCounter("dead_lettered", "Routes that became dead letters");
  private final Counter expired =
      routeCounter("expired", "Routes that expired before they could be published");
  private final Counter cancelled = routeCounter("cancelled", "Routes cancelled unpublished");
  private final Counter deferred =
      routeCounter(
          "deferred",
          "Routes not appended and not charged an attempt (their stream refused appends, or its"
              + " breaker was open); they wait to be tried again");

  private final Counter attempts =
      Counter.builder()
          .name("herald_publish_attempts_total")
          .help("Publish attempts by outcome and failure classification (none when published)")
          .labelNames("outcome", "classification")
          .register(registry);
  private final Counter leaseConflicts =
      Counter.builder()
          .name("herald_lease_conflicts_total")
          .help("Completions refused because another worker had taken the route's lease")
          .register(registry);
  private final Counter corruptRecords =
      Counter.builder()
          .name("herald_corrupt_records_total")
          .help("Broken records found: routes dead-lettered as corrupt, schedule entries set aside")
          .register(registry);
  private final Counter cycles =
      Counter.builder()
          .name("herald_publish_cycles_total")
          .help("Publish cycles (claim, publish, complete) by result")
          .labelNames("result")
          .register(registry);
  private final Counter redisErrors =
      Counter.builder()
          .name("herald_redis_errors_total")
          .help(
              "Redis trouble by kind: unavailable, access_denied, reply_error,"
                  + " stream_unavailable (the stream refused appends), timeout (metrics scrape)")
          .labelNames("kind")
          .register(registry);
  private final Counter deadLettersPurged =
      Counter.builder()
          .name("herald_dead_letters_purged_total")
          .help("Dead letters deleted, by reason")
          .labelNames("reason")
          .register(registry);

  private final Histogram claimDuration =
      Histogram.builder()
          .name("herald_claim_duration_seconds")
          .help("Time of one claim round trip, including empty claims")
          .classicOnly()
          .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
          .register(registry);
  private final Histogram batchDuration =
      Histogram.builder()
          .name("herald_batch_duration_seconds")
          .help("Time of a batch with work, claim to completion")
          .classicOnly()
          .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
          .register(registry);
  private final Histogram batchSize =
      Histogram.builder()
          .name("herald_batch_size_routes")
          .help("Routes per batch with work")
          .classicOnly()
          .classicUpperBounds(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)
          .register(registry);
  private final Histogram lag =
      Histogram.builder()
          .name("herald_publish_lag_seconds")
          .help("Time from a route's due time to its append to the stream")
          .classicOnly()
          .classicUpperBounds(
              0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)
          .register(registry);

  /**
   * @param maxTypeLabels distinct notification types with their own label value
   * @param workers the publisher's current worker count
   * @param version Herald's version, for {@code herald_build_info}
   */
  public Metrics(int maxTypeLabels, IntSupplier workers, String version) {
    this.types = new BoundedLabels(maxTypeLabels);
    GaugeWithCallback.builder()
        .name("herald_publisher_workers")
        .help("Publishing threads this process runs")
        .callback(cb -> cb.call(workers.getAsInt()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("herald_build_info")
        .help("Always 1; the label says which Herald this is")
        .labelNames("version")
        .callback(cb -> cb.call(1, version))
        .register(registry);
    attempts.initLabelValues("published", "none");
    for (FailureKind kind : FailureKind.values()) {
      attempts.initLabelValues("retry", kind.wireName());
      attempts.initLabelValues("dead_letter", kind.wireName());
    }
    cycles.initLabelValues("ok");
    cycles.initLabelValues("failed");
    REDIS_ERROR_KINDS.forEach(redisErrors::initLabelValues);
    JvmMetrics.builder().register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  private Counter routeCounter(String what, String help) {
    return Counter.builder()
        .name("herald_routes_" + what + "_total")
        .help(help + ", by channel and notification type")
        .labelNames("channel", "type")
        .register(registry);
  }

  /**
   * The route counters' labels for this route. The first time a pair is seen, every route counter
   * starts at 0 for it, so that rates and ratios have both sides from the start.
   */
  private String[] labels(RouteInfo route) {
    String[] labels = {route.channel(), types.of(route.type())};
    if (initialised.add(labels[0] + "\u0000" + labels[1])) {
      for (Counter c : List.of(published, retried, deadLettered, expired, cancelled, deferred)) {
        c.initLabelValues(labels);
      }
    }
    return labels;
  }

  void redisError(String kind) {
    redisErrors.labelValues(kind).inc();
  }

  static String redisErrorKind(RuntimeException e) {
    if (e instanceof StoreUnavailableException) {
      return "unavailable";
    }
    if (e instanceof StoreAccessDeniedException) {
      return "access_denied";
    }
    if (e instanceof StoreException) {
      return "reply_error";
    }
    return null; // not Redis's: a bug, counted as a failed cycle only
  }

  @Override
  public void onClaimed(int routes, Duration took) {
    claimDuration.observe(seconds(took));
  }

  @Override
  public void onPublished(RouteInfo route, Duration lag) {
    published.labelValues(labels(route)).inc();
    attempts.labelValues("published", "none").inc();
    this.lag.observe(Math.max(0, seconds(lag)));
  }

  @Override
  public void onRetryScheduled(RouteInfo route, Failure failure) {
    retried.labelValues(labels(route)).inc();
    attempts.labelValues("retry", failure.kind().wireName()).inc();
  }

  @Override
  public void onDeadLettered(RouteInfo route, Failure failure) {
    deadLettered.labelValues(labels(route)).inc();
    attempts.labelValues("dead_letter", failure.kind().wireName()).inc();
  }

  @Override
  public void onExpired(RouteInfo route) {
    expired.labelValues(labels(route)).inc();
  }

  @Override
  public void onDeferred(RouteInfo route) {
    deferred.labelValues(labels(route)).inc();
  }

  @Override
  public void onCancelled(RouteInfo route) {
    cancelled.labelValues(labels(route)).inc();
  }

  @Override
  public void onDeadLettersPurged(int count, String reason) {
    deadLettersPurged.labelValues(reasons.of(reason)).inc(count);
  }

  @Override
  public void onLeaseLost(RouteInfo route) {
    leaseConflicts.inc();
  }

  @Override
  public void onCorruptRecord(String description) {
    corruptRecords.inc();
  }

  @Override
  public void onBatchCompleted(int routes, Duration took) {
    batchSize.observe(routes);
    batchDuration.observe(seconds(took));
  }

  @Override
  public void onSinkUnavailable(String error) {
    redisError("stream_unavailable");
  }

  @Override
  public void onCycleFailed(RuntimeException error) {
    cycles.labelValues("failed").inc();
    String kind = redisErrorKind(error);
    if (kind != null) {
      redisError(kind);
    }
  }

  @Override
  public void onCycleSucceeded() {
    cycles.labelValues("ok").inc();
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
