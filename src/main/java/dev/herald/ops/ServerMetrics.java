package dev.herald.ops;

import dev.herald.store.PrimaryStatus;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The gauges of {@link RedisStatus} (the host's clock offset and the eviction risk), and the
 * counters of {@link PrimaryStatus} (failovers followed, batches replicas did not acknowledge).
 */
final class ServerMetrics {

  private ServerMetrics() {}

  static void register(PrometheusRegistry registry, RedisStatus status) {
    GaugeWithCallback.builder()
        .name("herald_clock_offset_seconds")
        .help(
            "This host's clock minus Redis's (TIME), at the last measurement; Herald keeps time"
                + " by Redis's, and warns beyond 1s")
        .callback(cb -> status.clockOffset().ifPresent(offset -> cb.call(offset.toNanos() / 1e9)))
        .register(registry);
    GaugeWithCallback.builder()
        .name("herald_redis_eviction_risk")
        .help(
            "What Redis's maxmemory-policy lets it evict at maxmemory: 0 nothing (noeviction),"
                + " 1 keys that expire (volatile-*: idempotency keys), 2 any key (allkeys-*,"
                + " refused at start), -1 unknown")
        .labelNames("policy")
        .callback(
            cb -> {
              var policy = status.evictionPolicy();
              cb.call(policy.risk().level(), policy.shown());
            })
        .register(registry);
  }

  static void register(PrometheusRegistry registry, PrimaryStatus primary) {
    CounterWithCallback.builder()
        .name("herald_redis_failovers_total")
        .help(
            "Failovers this process followed: times the sentinels named another primary, which"
                + " Herald moved to without a restart")
        .callback(cb -> cb.call(primary.failoversFollowed()))
        .register(registry);
    CounterWithCallback.builder()
        .name("herald_replica_unacknowledged_batches_total")
        .help(
            "State-changing batches (accept, complete, intake, cancel) that fewer than"
                + " durability.replicas replicas acknowledged within durability.replica-timeout:"
                + " a failover before they caught up could lose them")
        .callback(cb -> cb.call(primary.unacknowledgedBatches()))
        .register(registry);
  }
}
