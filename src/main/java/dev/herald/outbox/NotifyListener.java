package dev.herald.outbox;

import dev.herald.publish.RateLimitedLog;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on the outbox table's {@code NOTIFY} channel on a connection of its own and wakes the
 * relay when a transaction that inserted rows commits. When the connection fails it reconnects with
 * back-off; meanwhile the relay polls, and it is woken once the listener is back, for rows
 * committed while nobody listened.
 */
final class NotifyListener {

  private static final Logger LOG = LoggerFactory.getLogger(NotifyListener.class);

  /** How long one wait for notifications blocks; also bounds how long {@link #stop} takes. */
  private static final int WAIT_MILLIS = 500;

  private static final Duration PROBE_AFTER = Duration.ofSeconds(30);

  private final OutboxDatabase database;
  private final Runnable wake;
  private final OutboxListener listener;
  private final RateLimitedLog troubleLog = new RateLimitedLog(LOG, Duration.ofSeconds(30));
  private volatile boolean running;
  private Thread thread;

  NotifyListener(OutboxDatabase database, Runnable wake, OutboxListener listener) {
    this.database = database;
    this.wake = wake;
    this.listener = listener;
  }

  synchronized void start() {
    running = true;
    thread = new Thread(this::listen, "herald-outbox-listen");
    thread.setDaemon(true);
    thread.start();
  }

  void stop() {
    Thread t;
    synchronized (this) {
      running = false;
      t = thread;
    }
    if (t != null) {
      try {
        t.join(WAIT_MILLIS * 4L);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void listen() {
    long pause = 100;
    while (running) {
      try (Connection c = database.dedicatedConnection()) {
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + database.schema().channel());
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        listener.onListening(true);
        troubleLog.resetAll("listen");
        pause = 100;
        wake.run(); // rows may have been committed while nobody listened
        long lastHeard = System.nanoTime();
        while (running) {
          PGNotification[] got = pg.getNotifications(WAIT_MILLIS);
          if (got != null && got.length > 0) {
            wake.run();
            lastHeard = System.nanoTime();
          } else if (System.nanoTime() - lastHeard > PROBE_AFTER.toNanos()) {
            // A connection whose peer vanished without a reset delivers nothing and reports no
            // error: ask it something now and then.
            try (Statement s = c.createStatement()) {
              s.execute("SELECT 1");
            }
            lastHeard = System.nanoTime();
          }
        }
      } catch (SQLException e) {
        listener.onListening(false);
        troubleLog.warn(
            "listen",
            "outbox relay: LISTEN on {} failed: {}; polling every sources.postgres.poll-interval"
                + " until it is back",
            database.describe(),
            e.getMessage());
        sleep(pause);
        pause = Math.min(pause * 2, 5_000);
      }
    }
    listener.onListening(false);
  }

  private void sleep(long millis) {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (running && System.nanoTime() < end) {
      try {
        TimeUnit.MILLISECONDS.sleep(Math.min(100, millis));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
