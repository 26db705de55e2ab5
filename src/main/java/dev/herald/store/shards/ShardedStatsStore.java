package dev.herald.store.shards;

import dev.herald.store.RouteFigures;
import dev.herald.store.StatsStore;
import dev.herald.store.StoreSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
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
    List<RouteFigures> figures = new ArrayList<>();
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
      figures.add(s.figures());
    }
    return new StoreSnapshot(scheduled, due, oldest, dead, lengths, counters, sum(figures));
  }

  /**
   * The schedule of every shard by due time: each shard's page from the cursor's time, merged in
   * the order one schedule has (due time, then member), the cursor's {@code skip} dropped.
   */
  @Override
  public SchedulePage upcoming(ScheduleCursor cursor, int limit) {
    List<ScheduledGroup> merged = new ArrayList<>();
    boolean more = false;
    for (StatsStore shard : shards) {
      SchedulePage page =
          shard.upcoming(new ScheduleCursor(cursor.from(), 0), cursor.skip() + limit);
      merged.addAll(page.groups());
      more |= page.next().isPresent();
    }
    merged.sort(
        Comparator.comparing(ScheduledGroup::dueAt)
            .thenComparing(g -> g.notificationId() + ":" + g.first() + "-" + g.last()));
    int from = Math.min(cursor.skip(), merged.size());
    int to = Math.min(from + limit, merged.size());
    List<ScheduledGroup> page = List.copyOf(merged.subList(from, to));
    if (page.isEmpty() || (!more && to == merged.size())) {
      return new SchedulePage(page, Optional.empty());
    }
    Instant last = page.get(page.size() - 1).dueAt();
    int skip = 0;
    for (int i = 0; i < to; i++) {
      if (merged.get(i).dueAt().equals(last)) {
        skip++;
      }
    }
    return new SchedulePage(page, Optional.of(new ScheduleCursor(last, skip)));
  }

  @Override
  public RouteFigures routeFigures() {
    List<RouteFigures> figures = new ArrayList<>();
    for (StatsStore shard : shards) {
      figures.add(shard.routeFigures());
    }
    return sum(figures);
  }

  private static RouteFigures sum(List<RouteFigures> figures) {
    Map<String, Map<String, Long>> byType = new HashMap<>();
    for (RouteFigures f : figures) {
      f.byType()
          .forEach(
              (type, perFigure) ->
                  perFigure.forEach(
                      (figure, n) ->
                          byType
                              .computeIfAbsent(type, t -> new HashMap<>())
                              .merge(figure, n, Long::sum)));
    }
    return new RouteFigures(byType);
  }
}
