package dev.herald.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.store.RouteFigures;
import dev.herald.store.StatsStore;
import dev.herald.store.StoreSnapshot;
import dev.herald.testing.MutableClock;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StoreCollectorTest {

  private final MutableClock clock = MutableClock.atNoon();

  /** A store whose figures are these, whatever is asked. */
  private static StatsStore store(Map<String, Long> lengths, RouteFigures figures) {
    return new StatsStore() {
      @Override
      public StoreSnapshot snapshot(Instant now, Collection<String> streams) {
        assertThat(streams).containsAll(lengths.keySet());
        return new StoreSnapshot(3, 1, Optional.empty(), 4, lengths, Map.of(), figures);
      }

      @Override
      public RouteFigures routeFigures() {
        return figures;
      }

      @Override
      public SchedulePage upcoming(ScheduleCursor cursor, int limit) {
        return new SchedulePage(List.of(), Optional.empty());
      }
    };
  }

  private static double value(MetricSnapshots all, String name, String... labels) {
    for (MetricSnapshot m : all) {
      if (m.getMetadata().getName().equals(name)) {
        for (GaugeSnapshot.GaugeDataPointSnapshot p : ((GaugeSnapshot) m).getDataPoints()) {
          boolean match = true;
          for (int i = 0; i < labels.length; i += 2) {
            match &= labels[i + 1].equals(p.getLabels().get(labels[i]));
          }
          if (match) {
            return p.getValue();
          }
        }
      }
    }
    throw new AssertionError("no " + name + " " + List.of(labels));
  }

  @Test
  void routes_by_state_and_the_intake_backlog_are_gauged_from_one_read() {
    RouteFigures figures =
        new RouteFigures(
            Map.of(
                "a", Map.of("pending", 5L, "failed", 2L, "dead_letter.corrupt_record", 1L),
                "b", Map.of("pending", 1L, "dead_letter.payload_encoding_failed", 3L)));
    StoreCollector collector =
        new StoreCollector(
            store(Map.of("gw", 10L, "intents", 7L), figures),
            () -> List.of("gw"),
            "intents",
            clock,
            Duration.ofSeconds(1),
            new Metrics(10, () -> 1, "dev"));
    try {
      MetricSnapshots m = collector.collect();
      assertThat(value(m, "herald_routes_waiting", "state", "pending")).isEqualTo(6);
      assertThat(value(m, "herald_routes_waiting", "state", "failed")).isEqualTo(2);
      assertThat(value(m, "herald_routes_waiting", "state", "dead_letter")).isEqualTo(4);
      assertThat(value(m, "herald_intake_backlog_intents")).isEqualTo(7);
      assertThat(value(m, "herald_stream_length_entries", "stream", "gw")).isEqualTo(10);
      assertThat(m.stream().map(s -> s.getMetadata().getName()))
          .doesNotHaveDuplicates()
          .contains("herald_routes_waiting", "herald_intake_backlog_intents");
    } finally {
      collector.close();
    }
  }
}
