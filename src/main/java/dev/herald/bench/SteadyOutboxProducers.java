package dev.herald.bench;

import dev.herald.outbox.OutboxDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The outbox benchmark's producers: a few threads that commit one row per transaction at a steady
 * rate, each row a 10-recipient notification with a ~300-byte payload, and note when each commit
 * returned.
 */
final class SteadyOutboxProducers {

  static final int THREADS = 4;

  private SteadyOutboxProducers() {}

  /** Commits one row per transaction from {@link #THREADS} threads at {@code rowsPerSecond}. */
  static int produce(
      OutboxDatabase db, String run, int rowsPerSecond, Duration d, Map<Long, Long> committedAt)
      throws InterruptedException {
    int perThread = (int) (rowsPerSecond * d.toSeconds() / THREADS);
    long intervalNanos = 1_000_000_000L * THREADS / rowsPerSecond;
    List<Thread> threads = new ArrayList<>();
    AtomicLong done = new AtomicLong();
    List<Throwable> errors = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      Thread producer =
          new Thread(
              () -> {
                try (Connection c = db.connection();
                    PreparedStatement p =
                        c.prepareStatement(
                            "INSERT INTO "
                                + BenchOutboxTable.TABLE
                                + " (notification) VALUES (?::jsonb) RETURNING id")) {
                  long next = System.nanoTime() + intervalNanos * thread / THREADS;
                  for (int i = 0; i < perThread; i++) {
                    LockSupport.parkNanos(next - System.nanoTime());
                    next += intervalNanos;
                    p.setString(1, json(run + thread, i));
                    long id;
                    try (ResultSet r = p.executeQuery()) {
                      r.next();
                      id = r.getLong(1);
                    }
                    committedAt.put(id, System.currentTimeMillis()); // autocommit: committed now
                    done.incrementAndGet();
                  }
                } catch (SQLException | RuntimeException e) {
                  synchronized (errors) {
                    errors.add(e);
                  }
                }
              },
              "bench-producer-" + t);
      threads.add(producer);
      producer.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    if (!errors.isEmpty()) {
      throw new IllegalStateException("a producer failed: " + errors.get(0), errors.get(0));
    }
    return (int) done.get();
  }

  /** One notification as a producer would insert it: 10 recipients, a ~300-byte payload. */
  private static String json(String run, int i) {
    StringBuilder r = new StringBuilder();
    for (int k = 0; k < Workload.RECIPIENTS; k++) {
      r.append(k == 0 ? "" : ",")
          .append("\"u-")
          .append(run)
          .append('-')
          .append(i)
          .append('-')
          .append(k)
          .append('"');
    }
    return "{\"type\":\"bench.outbox\",\"producer\":\"herald-bench\",\"recipients\":["
        + r
        + "],\"channels\":[\"push\"],\"payload\":{\"seq\":"
        + i
        + ",\"pad\":\""
        + "x".repeat(230)
        + "\"}}";
  }
}
