package dev.herald.ops;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * The running {@code herald run} processes at scrape time, from the heartbeats they keep in Redis
 * (read within the ready timeout, like the store figures): {@code herald_processes_running}. The
 * same on every instance (take its {@code max}); nothing when Redis does not answer in time. And
 * {@code herald_stored_format}, the stored format this process writes new notifications in (its
 * heartbeats decide it, no read at scrape time).
 */
final class ProcessMetrics implements MultiCollector, AutoCloseable {

  private final BoundedCall<Integer> read;
  private final IntSupplier storedFormat;
  private final Duration budget;

  ProcessMetrics(IntSupplier running, IntSupplier storedFormat, Duration budget) {
    this.read = new BoundedCall<>("herald-ops-processes", running::getAsInt);
    this.storedFormat = storedFormat;
    this.budget = budget;
  }

  @Override
  public MetricSnapshots collect() {
    GaugeSnapshot format =
        GaugeSnapshot.builder()
            .name("herald_stored_format")
            .help("the stored format this process writes new notifications in (1 or 2)")
            .dataPoint(GaugeDataPointSnapshot.builder().value(storedFormat.getAsInt()).build())
            .build();
    int running;
    try {
      running = read.get(budget);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return MetricSnapshots.of(format);
    } catch (Exception e) {
      return MetricSnapshots.of(format);
    }
    return MetricSnapshots.of(
        format,
        GaugeSnapshot.builder()
            .name("herald_processes_running")
            .help("herald run processes whose heartbeat is at most 15 s old, in every host")
            .dataPoint(GaugeDataPointSnapshot.builder().value(running).build())
            .build());
  }

  @Override
  public void close() {
    read.close();
  }
}
