package dev.herald.ops;

import dev.herald.channel.ChannelActions.ChannelView;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The channel controls at scrape time (read from the store within the ready timeout, like the store
 * figures): {@code herald_channel_paused{channel}} for every configured channel and {@code
 * herald_channel_rate_limit_routes_per_second{channel,source}} for those with a limit. Nothing is
 * reported when Redis does not answer in time ({@code herald_redis_up} says so).
 */
final class ChannelMetrics implements MultiCollector, AutoCloseable {

  private final BoundedCall<List<ChannelView>> read;
  private final Duration budget;

  ChannelMetrics(Supplier<List<ChannelView>> channels, Duration budget) {
    this.read = new BoundedCall<>("herald-ops-channels", channels::get);
    this.budget = budget;
  }

  @Override
  public MetricSnapshots collect() {
    List<ChannelView> channels;
    try {
      channels = read.get(budget);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return MetricSnapshots.of();
    } catch (Exception e) {
      return MetricSnapshots.of();
    }
    GaugeSnapshot.Builder paused =
        GaugeSnapshot.builder()
            .name("herald_channel_paused")
            .help("1 while the channel is paused: its routes wait, unclaimed and uncharged");
    GaugeSnapshot.Builder limits =
        GaugeSnapshot.builder()
            .name("herald_channel_rate_limit_routes_per_second")
            .help("Most routes/s claimed for the channel across all processes, where limited");
    for (ChannelView c : channels) {
      paused.dataPoint(
          GaugeDataPointSnapshot.builder()
              .labels(Labels.of("channel", c.name()))
              .value(c.paused() ? 1 : 0)
              .build());
      c.rateLimit()
          .ifPresent(
              r ->
                  limits.dataPoint(
                      GaugeDataPointSnapshot.builder()
                          .labels(Labels.of("channel", c.name(), "source", c.rateSource()))
                          .value(r)
                          .build()));
    }
    return MetricSnapshots.of(paused.build(), limits.build());
  }

  @Override
  public void close() {
    read.close();
  }
}
