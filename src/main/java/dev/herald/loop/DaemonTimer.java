package dev.herald.loop;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A single-thread scheduler on a daemon thread of a given name, for the periodic chores of a
 * running Herald (heartbeats, the server watch, housekeeping): its thread never keeps the JVM up,
 * and a thread dump names it.
 */
public final class DaemonTimer {

  private DaemonTimer() {}

  public static ScheduledExecutorService named(String threadName) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, threadName);
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * Stops {@code timer} (its chore in hand interrupted) and waits up to 5 s for it to end, so that
   * what the chore used can be closed next; an interrupt while waiting is kept.
   */
  public static void stop(ScheduledExecutorService timer) {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
