package dev.herald.spool;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the spool holds that is not in the store yet: how many records, how many of each producer (a
 * producer's new notifications wait behind its own), and the notifications a spooled cancel names.
 * Records come in when they are appended (or found at start) and go when they are replayed or set
 * aside. Thread-safe; those waiting for a producer's records to be replayed are woken at each
 * replayed batch.
 */
final class Backlog {

  private final AtomicLong pending = new AtomicLong();
  private final ConcurrentHashMap<String, Long> byProducer = new ConcurrentHashMap<>();
  private final Set<String> cancels = ConcurrentHashMap.newKeySet();
  private final Object replayed = new Object();

  long pending() {
    return Math.max(0, pending.get());
  }

  boolean holds(String producer) {
    return pending.get() > 0 && byProducer.containsKey(producer);
  }

  /** True while a cancel of {@code notificationId} waits in the spool. */
  boolean cancelWaits(String notificationId) {
    return !cancels.isEmpty() && cancels.contains(notificationId);
  }

  void add(List<? extends SpoolRecord> records) {
    count(records, 1);
  }

  /** The records are in the store, or set aside: those waiting for them are woken. */
  void remove(List<? extends SpoolRecord> records) {
    count(records, -1);
    synchronized (replayed) {
      replayed.notifyAll();
    }
  }

  private void count(List<? extends SpoolRecord> records, long sign) {
    for (SpoolRecord r : records) {
      byProducer.compute(
          r.producer(),
          (k, v) -> {
            long left = (v == null ? 0 : v) + sign;
            return left <= 0 ? null : left;
          });
      if (r instanceof SpoolRecord.Cancel c) {
        if (sign > 0) {
          cancels.add(c.notificationId());
        } else {
          cancels.remove(c.notificationId());
        }
      }
    }
    pending.addAndGet(sign * records.size());
  }

  /**
   * Waits up to {@code max} until none of {@code producers} has a record here; false when one still
   * has then.
   */
  boolean awaitNone(Collection<String> producers, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    synchronized (replayed) {
      while (producers.stream().anyMatch(this::holds)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          replayed.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return true;
  }
}
