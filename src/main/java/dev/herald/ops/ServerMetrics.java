package dev.herald.ops;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The gauges of {@link RedisStatus}: the host's clock offset and the eviction risk. */
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
}
