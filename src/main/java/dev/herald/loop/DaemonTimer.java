package dev.herald.loop;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

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
}
