package dev.herald.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Read-only figures about the store, for {@code herald stats}, metrics and health. */
public interface StatsStore {

  /**
   * One round trip's worth of figures.
   *
   * @param streams the streams whose lengths to include
   */
  StoreSnapshot snapshot(Instant now, Collection<String> streams);

  /**
   * A group of routes in the schedule: routes {@code first..last} of a notification, next needing a
   * worker at {@code dueAt} (its due time, or when its lease runs out).
   */
  record ScheduledGroup(String notificationId, int first, int last, Instant dueAt) {}

  /**
   * Where a page of {@link #upcoming} starts: at {@code from}, after {@code skip} entries due then
   * exactly (those the previous page ended with).
   */
  record ScheduleCursor(Instant from, int skip) {}

  /** One page of the schedule by due time, and where the next starts (empty after the last). */
  record SchedulePage(List<ScheduledGroup> groups, Optional<ScheduleCursor> next) {}

  /** Up to {@code limit} schedule entries due at or after the cursor, earliest first. */
  SchedulePage upcoming(ScheduleCursor cursor, int limit);

  /** Routes by status and dead letters by classification, per notification type: one read. */
  RouteFigures routeFigures();
}
