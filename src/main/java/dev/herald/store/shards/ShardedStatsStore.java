package dev.herald.store.shards;

import dev.herald.store.RouteFigures;
import dev.herald.store.StatsStore;
import dev.herald.store.StoreSnapshot;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link StatsStore} over shards: counts and counters summed, the oldest due time the earliest of
 * all, each stream's length the sum of its shard streams' (-1 when one of them is not a stream).
 */
public final class ShardedStatsStore implements StatsStore {

  private final List<? extends StatsStore> shards;

  public ShardedStatsStore(List<? extends StatsStore> shards) {
    this.shards = List.copyOf(shards);
  }

  @Override
  public StoreSnapshot snapshot(Instant now, Collection<String> streams) {
    long scheduled = 0;
    long due = 0;
    long dead = 0;
    Optional<Instant> oldest = Optional.empty();
    Map<String, Long> lengths = new LinkedHashMap<>();
    Map<String, Long> counters = new HashMap<>();
    for (StatsStore shard : shards) {
      StoreSnapshot s = shard.snapshot(now, streams);
      scheduled += s.scheduledGroups();
      due += s.dueGroups();
      dead += s.deadLetters();
      if (s.oldestDue().isPresent()
          && (oldest.isEmpty() || s.oldestDue().get().isBefore(oldest.get()))) {
        oldest = s.oldestDue();
      }
      s.streamLengths()
          .forEach((stream, n) -> lengths.merge(stream, n, (a, b) -> a < 0 || b < 0 ? -1 : a + b));
      s.counters().forEach((name, n) -> counters.merge(name, n, Long::sum));
    }
    return new StoreSnapshot(scheduled, due, oldest, dead, lengths, counters);
  }

  @Override
  public RouteFigures routeFigures() {
    Map<String, Map<String, Long>> byType = new HashMap<>();
    for (StatsStore shard : shards) {
      shard
          .routeFigures()
          .byType()
          .forEach(
              (type, figures) ->
                  figures.forEach(
                      (figure, n) ->
                          byType
                              .computeIfAbsent(type, t -> new HashMap<>())
                              .merge(figure, n, Long::sum)));
    }
    return new RouteFigures(byType);
  }
}
