package dev.herald.chaos;

import dev.herald.testing.OutboxRows;
import dev.herald.testing.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Producers of the outbox scenarios: threads that insert rows in transactions of 1 to 50 rows, of
 * which about one in eight rolls back, as application code that writes a business change and its
 * notification together would. Each row has one recipient, unique to it, so that the stream says
 * which rows went out. A transaction that fails (the database restarted) is begun again from
 * scratch; whether its commit went through is read from the table afterwards, not guessed.
 */
final class OutboxProducers {

  private final PostgresServer server;
  private final String table;
  private final int threads;
  private final int rowsPerThread;
  private final long spreadNanos;
  final Set<String> rolledBack = ConcurrentHashMap.newKeySet();
  final AtomicLong transactions = new AtomicLong();
  final AtomicLong failedTransactions = new AtomicLong();
  private final List<Thread> running = new ArrayList<>();
  private final List<Throwable> errors = new ArrayList<>();

  /**
   * @param spread how long the inserts are spread over (each producer paces itself); zero for as
   *     fast as they go
   */
  OutboxProducers(
      PostgresServer server, String table, int threads, int rowsPerThread, Duration spread) {
    this.server = server;
    this.table = table;
    this.threads = threads;
    this.rowsPerThread = rowsPerThread;
    this.spreadNanos = spread.toNanos();
  }

  boolean done() {
    return running.stream().noneMatch(Thread::isAlive);
  }

  void start() {
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread worker = new Thread(() -> produce(thread), "producer-" + t);
      running.add(worker);
      worker.start();
    }
  }

  /** Waits for every producer to insert its rows; fails on a producer's unexpected error. */
  void await() throws InterruptedException {
    for (Thread t : running) {
      t.join();
    }
    synchronized (errors) {
      if (!errors.isEmpty()) {
        throw new AssertionError("a producer failed", errors.get(0));
      }
    }
  }

  private void produce(int thread) {
    Random random = new Random(thread);
    long start = System.nanoTime();
    int sequence = 0;
    Connection c = null;
    try {
      while (sequence < rowsPerThread) {
        long due = start + spreadNanos * sequence / rowsPerThread;
        long early = due - System.nanoTime();
        if (early > 0) {
          pause(early / 1_000_000);
        }
        int size = Math.min(1 + random.nextInt(50), rowsPerThread - sequence);
        boolean commit = random.nextInt(8) != 0;
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < size; i++) {
          recipients.add("p" + thread + "-" + (sequence + i));
        }
        try {
          if (c == null || c.isClosed()) {
            c = server.connect();
            c.setAutoCommit(false);
          }
          insert(c, recipients);
          transactions.incrementAndGet();
          if (commit) {
            c.commit();
          } else {
            c.rollback();
            rolledBack.addAll(recipients);
          }
          sequence += size;
        } catch (SQLException e) {
          // The database went away mid-transaction: begin again with new recipients; the table
          // tells afterwards whether the lost commit went through.
          failedTransactions.incrementAndGet();
          sequence += size;
          closeQuietly(c);
          c = null;
          pause(100);
        }
      }
    } catch (RuntimeException e) {
      synchronized (errors) {
        errors.add(e);
      }
    } finally {
      closeQuietly(c);
    }
  }

  private void insert(Connection c, List<String> recipients) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("INSERT INTO " + table + " (notification) VALUES (?::jsonb)")) {
      for (String r : recipients) {
        p.setString(1, OutboxRows.notification(r));
        p.addBatch();
      }
      p.executeBatch();
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // going anyway
      }
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
