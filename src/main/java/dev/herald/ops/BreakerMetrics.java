package dev.herald.ops;

import dev.herald.publish.PublisherListener;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@code herald_stream_breaker_open{stream}}: 1 while this process's breaker for the stream is open
 * (its routes wait, uncharged, while one probes it), else 0. The configured streams start at 0.
 */
final class BreakerMetrics implements PublisherListener {

  private final ConcurrentMap<String, Integer> open = new ConcurrentHashMap<>();

  BreakerMetrics(PrometheusRegistry registry) {
    GaugeWithCallback.builder()
        .name("herald_stream_breaker_open")
        .help(
            "1 while this process's circuit breaker for the stream is open: the stream refuses"
                + " appends, and its routes wait without being charged an attempt")
        .labelNames("stream")
        .callback(cb -> open.forEach((stream, value) -> cb.call(value, stream)))
        .register(registry);
  }

  /** The streams routes may go to: each shows 0 until its breaker opens. */
  void known(Collection<String> streams) {
    streams.forEach(s -> open.putIfAbsent(s, 0));
  }

  @Override
  public void onBreakerOpened(String stream, String reason) {
    open.put(stream, 1);
  }

  @Override
  public void onBreakerClosed(String stream, Duration openFor) {
    open.put(stream, 0);
  }
}
