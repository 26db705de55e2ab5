package dev.herald.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A point-in-time look at the store, cheap enough to poll for metrics and health.
 *
 * @param scheduledGroups entries in the schedule; each is a group of up to 64 routes of one
 *     notification that still needs a worker
 * @param dueGroups of those, the ones due now (waiting for a worker, or whose lease ran out)
 * @param oldestDue the earliest time in the schedule, if any: {@code now - oldestDue} is how late
 *     the most overdue group is (the lag), when it is in the past
 * @param deadLetters routes that are dead letters
 * @param streamLengths length of each stream asked about; -1 when the key is not a stream
 * @param counters the store's running counters since it was created: {@code
 *     notifications_accepted}, {@code routes_accepted}, {@code published}, {@code retried}, {@code
 *     dead_lettered}, {@code lease_conflicts}, {@code quarantined}, {@code notifications_retired},
 *     …
 * @param figures the route figures by type ({@link StatsStore#routeFigures}), read along
 */
public record StoreSnapshot(
    long scheduledGroups,
    long dueGroups,
    Optional<Instant> oldestDue,
    long deadLetters,
    Map<String, Long> streamLengths,
    Map<String, Long> counters,
    RouteFigures figures) {

  public StoreSnapshot {
    streamLengths = Map.copyOf(streamLengths);
    counters = Map.copyOf(counters);
  }

  /** How late the most overdue group is at {@code now}; zero when none is overdue. */
  public Duration lag(Instant now) {
    return oldestDue
        .filter(t -> t.isBefore(now))
        .map(t -> Duration.between(t, now))
        .orElse(Duration.ZERO);
  }

  public long counter(String name) {
    return counters.getOrDefault(name, 0L);
  }
}
