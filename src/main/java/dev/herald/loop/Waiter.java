package dev.herald.loop;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Where idle workers sleep. A worker waits until its deadline (next due time or poll interval); a
 * signal of new work wakes every waiting worker when that work falls due, which may be now or
 * before their deadlines.
 */
public final class Waiter {

  private final Clock clock;
  private long generation;
  private Instant pendingSignal;

  public Waiter(Clock clock) {
    this.clock = clock;
  }

  /** Sleeps until {@code deadline}, until a signalled due time comes, or until {@link #wakeAll}. */
  public synchronized void await(Instant deadline) throws InterruptedException {
    long seen = generation;
    while (generation == seen) {
      Instant now = clock.instant();
      if (pendingSignal != null && !now.isBefore(pendingSignal)) {
        pendingSignal = null;
        wakeAll();
        return;
      }
      if (!now.isBefore(deadline)) {
        return;
      }
      Instant until =
          pendingSignal != null && pendingSignal.isBefore(deadline) ? pendingSignal : deadline;
      long nanos = Math.max(1, Duration.between(now, until).toNanos());
      wait(nanos / 1_000_000, (int) (nanos % 1_000_000));
    }
  }

  /** Work falls due at {@code due}: wake the waiting workers then (at once if it is due now). */
  public synchronized void signal(Instant due) {
    if (pendingSignal == null || due.isBefore(pendingSignal)) {
      pendingSignal = due;
    }
    notifyAll();
  }

  /** Wakes every waiting worker now. */
  public synchronized void wakeAll() {
    generation++;
    notifyAll();
  }
}
