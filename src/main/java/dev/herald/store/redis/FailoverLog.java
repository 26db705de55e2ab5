package dev.herald.store.redis;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary a backend's clients write to, and the failovers they followed: one line per failover
 * however many of the backend's clients (the pool, the intake's) notice it.
 */
final class FailoverLog {

  private static final Logger LOG = LoggerFactory.getLogger(FailoverLog.class);

  private final String master;
  private final AtomicLong followed = new AtomicLong();
  private String primary;

  /**
   * @param master the sentinels' master name; null for one configured server
   * @param primary where the backend starts; null: the first the sentinels name
   */
  FailoverLog(String master, String primary) {
    this.master = master;
    this.primary = primary;
  }

  /** A client now sends to {@code now}: counted and logged once if it is a new primary. */
  void sendingTo(String now) {
    String before;
    synchronized (this) {
      if (Objects.equals(now, primary)) {
        return;
      }
      before = primary;
      primary = now;
    }
    if (before == null) {
      return; // the first primary the sentinels named: where the backend starts
    }
    long count = followed.incrementAndGet();
    LOG.warn(
        "followed a failover of '{}': the sentinels name {} the primary now (was {}); batches in"
            + " hand are sent again there ({} failover(s) followed by this process)",
        master,
        now,
        before,
        count);
  }

  synchronized String primary() {
    return primary;
  }

  boolean sentinel() {
    return master != null;
  }

  long followed() {
    return followed.get();
  }
}
