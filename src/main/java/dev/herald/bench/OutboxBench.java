package dev.herald.bench;

import dev.herald.config.PostgresSourceSettings;
import dev.herald.intake.IntakeListener;
import dev.herald.outbox.OutboxDatabase;
import dev.herald.outbox.OutboxListener;
import dev.herald.outbox.OutboxRelay;
import dev.herald.store.ServerProbe;
import dev.herald.store.ServerProbe.StreamEntryTime;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code outbox}: the PostgreSQL outbox relay on a table of its own ({@code herald_bench_outbox},
 * created and dropped by the benchmark). Throughput: N committed rows of 10-recipient notifications
 * waiting, then the relay started, rows/s until all are in Herald, with the CPU the database spent
 * per row (its server's processes, read from {@code /proc} when it runs on this host). Latency:
 * producers commit one row per transaction at a steady rate while the relay (woken by NOTIFY) and
 * the publisher run; commit→stream is from the producer's commit returning to the append of the
 * notification's last route.
 */
public final class OutboxBench {

  private final BenchEnvironment env;
  private final PostgresSourceSettings settings;
  private final int rows;
  private final int runs;
  private final int rate;
  private final Duration duration;

  /**
   * @param source {@code sources.postgres} of the config: the database to use (its table is not)
   */
  public OutboxBench(
      BenchEnvironment env,
      PostgresSourceSettings source,
      int rows,
      int runs,
      int rate,
      Duration duration) {
    this.env = env;
    this.settings =
        new PostgresSourceSettings(
            true,
            source.url(),
            source.user(),
            source.password(),
            source.passwordFile(),
            BenchOutboxTable.TABLE,
            source.batchSize(),
            source.workers(),
            source.pollInterval(),
            source.relayedRows(),
            source.retention(),
            source.idempotencyWindow());
    this.rows = rows;
    this.runs = runs;
    this.rate = rate;
    this.duration = duration;
  }

  public BenchResult run(String command) throws Exception {
    try (OutboxDatabase db =
        OutboxDatabase.open(settings, SteadyOutboxProducers.THREADS + 2, "herald-bench")) {
      BenchOutboxTable table = new BenchOutboxTable(db);
      String server = table.serverVersion();
      long postmaster = table.postmaster();
      BenchResult result =
          env.result("outbox", command)
              .context("postgres", server)
              .context("rows", rows)
              .context("recipients_per_row", Workload.RECIPIENTS)
              .context("batch_size", settings.batchSize())
              .context("relay_workers", settings.workers())
              .context("relayed_rows", settings.relayedRows());
      if (postmaster < 0) {
        result.note("the database is not on this host: its CPU was not measured");
      }
      try {
        table.recreate();
        throughput(table, "warmup", Math.min(rows, 20_000), postmaster, null);
        for (int run = 1; run <= runs; run++) {
          table.recreate();
          throughput(table, "r" + run, rows, postmaster, result);
        }
        table.recreate();
        latency(db, table, result);
      } finally {
        table.drop();
      }
      result.note(
          "throughput: the relay alone (the publisher does not run); latency: relay woken by"
              + " NOTIFY and publisher together, "
              + SteadyOutboxProducers.THREADS
              + " producers committing one row per transaction");
      return result;
    }
  }

  /** N rows waiting, then the relay started: how fast it takes them, and at what cost. */
  private void throughput(
      BenchOutboxTable table, String run, int count, long postmaster, BenchResult result)
      throws Exception {
    double insertCpu0 = BenchOutboxTable.cpu(postmaster);
    table.insert(run, count);
    double insertCpu = BenchOutboxTable.cpu(postmaster) - insertCpu0;
    AtomicLong relayed = new AtomicLong();
    double db0 = BenchOutboxTable.cpu(postmaster);
    double herald0 = BenchEnvironment.heraldCpuSeconds();
    double redis0 = env.stores().probe().cpuSeconds();
    long start = System.nanoTime();
    OutboxRelay relay = startRelay(relayed);
    try {
      while (relayed.get() < count) {
        if (System.nanoTime() - start > Duration.ofMinutes(10).toNanos()) {
          throw new IllegalStateException(
              "relayed " + relayed.get() + " of " + count + " rows in 10 minutes");
        }
        LockSupport.parkNanos(1_000_000);
      }
    } finally {
      relay.stop(Duration.ofSeconds(10));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double dbCpu = BenchOutboxTable.cpu(postmaster) - db0;
    double heraldCpu = BenchEnvironment.heraldCpuSeconds() - herald0;
    double redisCpu = env.stores().probe().cpuSeconds() - redis0;
    env.clean();
    if (result == null) {
      return;
    }
    result.add(new Figure("relayed_rows_per_s", count / seconds, "rows/s"));
    result.add(
        new Figure("relayed_routes_per_s", count * Workload.RECIPIENTS / seconds, "routes/s"));
    if (postmaster >= 0) {
      result.add(new Figure("db_cpu_per_row_relayed_us", dbCpu / count * 1e6, "µs"));
      result.add(new Figure("db_cpu_per_row_inserted_us", insertCpu / count * 1e6, "µs"));
    }
    result.add(new Figure("herald_cpu_per_row_us", heraldCpu / count * 1e6, "µs"));
    result.add(new Figure("redis_cpu_per_row_us", redisCpu / count * 1e6, "µs"));
  }

  /** Producers at a steady rate, relay and publisher running: commit→stream per row. */
  private void latency(OutboxDatabase db, BenchOutboxTable table, BenchResult result)
      throws Exception {
    AtomicLong relayed = new AtomicLong();
    Map<Long, Long> committedAt = new ConcurrentHashMap<>(); // row id -> commit ms
    int total;
    double seconds;
    try (var publisher = env.startPublisher()) {
      OutboxRelay relay = startRelay(relayed);
      try {
        // Warm the relay's NOTIFY path and the publisher up first.
        int warm =
            SteadyOutboxProducers.produce(
                db, "lw", rate, Duration.ofSeconds(5), new ConcurrentHashMap<>());
        awaitRelayed(relayed, warm);
        env.awaitStream((long) warm * Workload.RECIPIENTS, Duration.ofSeconds(60));
        env.clean();
        relayed.set(0);
        long start = System.nanoTime();
        total = SteadyOutboxProducers.produce(db, "l", rate, duration, committedAt);
        seconds = (System.nanoTime() - start) / 1e9;
        awaitRelayed(relayed, total);
        if (!env.awaitStream((long) total * Workload.RECIPIENTS, Duration.ofMinutes(2))) {
          throw new IllegalStateException("not every route of the relayed rows was published");
        }
      } finally {
        relay.stop(Duration.ofSeconds(10));
      }
    }
    double[][] lags = commitToStream(table, committedAt);
    result
        .context("latency_rate_rows_per_s", rate)
        .context("latency_duration_s", duration.toSeconds());
    result.add(new Figure("latency_achieved_rows_per_s", total / seconds, "rows/s"));
    for (double p : new double[] {50, 90, 99, 100}) {
      String name = p == 100 ? "max" : "p" + (int) p;
      result.add(
          new Figure("commit_to_stream_" + name + "_ms", Stats.percentile(lags[0], p), "ms"));
    }
    for (double p : new double[] {50, 99}) {
      result.add(
          new Figure("commit_to_relayed_p" + (int) p + "_ms", Stats.percentile(lags[1], p), "ms"));
    }
    env.clean();
  }

  private OutboxRelay startRelay(AtomicLong relayed) {
    OutboxListener counting =
        new OutboxListener() {
          @Override
          public void onRelayed(int created, int duplicates) {
            relayed.addAndGet(created + duplicates);
          }
        };
    return OutboxRelay.start(
        settings,
        env.intake(settings.idempotencyWindow(), IntakeListener.NONE),
        env::validator,
        counting,
        env.clock(),
        "bench-" + ProcessHandle.current().pid());
  }

  private static void awaitRelayed(AtomicLong relayed, int count) {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (relayed.get() < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("relayed " + relayed.get() + " of " + count + " rows");
      }
      LockSupport.parkNanos(1_000_000);
    }
  }

  /**
   * Per row, in ms: [0] its notification's last route's append time minus the row's commit time;
   * [1] the time the relay marked it relayed (the database's clock, before its commit) minus the
   * row's commit time.
   */
  private double[][] commitToStream(BenchOutboxTable table, Map<Long, Long> committedAt)
      throws SQLException {
    Map<String, Long> committedByNotification = new HashMap<>();
    List<Double> relayLags = new ArrayList<>();
    table
        .relayed()
        .forEach(
            (id, relayed) -> {
              Long at = committedAt.get(id);
              if (at != null && relayed.notificationId() != null) {
                committedByNotification.put(relayed.notificationId(), at);
                relayLags.add((double) (relayed.relayedAtMs() - at));
              }
            });
    Map<String, Long> lastAppend = new HashMap<>();
    ServerProbe probe = env.stores().probe();
    String after = "-";
    while (true) {
      List<StreamEntryTime> page = probe.readStream(env.stream(), after, 10_000);
      if (page.isEmpty()) {
        break;
      }
      for (StreamEntryTime e : page) {
        lastAppend.merge(e.notificationId(), e.appendedAtMs(), Math::max);
      }
      after = page.get(page.size() - 1).id();
    }
    List<Double> lags = new ArrayList<>();
    committedByNotification.forEach(
        (id, at) -> {
          Long appended = lastAppend.get(id);
          if (appended != null) {
            lags.add((double) (appended - at));
          }
        });
    return new double[][] {
      lags.stream().mapToDouble(Double::doubleValue).toArray(),
      relayLags.stream().mapToDouble(Double::doubleValue).toArray()
    };
  }
}
