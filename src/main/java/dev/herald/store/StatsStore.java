package dev.herald.store;

import java.time.Instant;
import java.util.Collection;

/** Read-only figures about the store, for {@code herald stats}, metrics and health. */
public interface StatsStore {

  /**
   * One round trip's worth of figures.
   *
   * @param streams the streams whose lengths to include
   */
  StoreSnapshot snapshot(Instant now, Collection<String> streams);

  /** Routes by status and dead letters by classification, per notification type: one read. */
  RouteFigures routeFigures();
}
