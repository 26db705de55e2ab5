package dev.herald.bench;

import dev.herald.intake.SubmitResult;
import dev.herald.store.ServerProbe;
import dev.herald.store.ServerProbe.StreamEntryTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code drain}: N routes fall due at one instant with the publisher already running; how fast do
 * they reach the stream, and how late is the first one. Times come from the stream entry ids, which
 * carry Redis's clock at the append.
 */
public final class DrainBench {

  private final BenchEnvironment env;
  private final int routes;
  private final int runs;
  private final int warmupRoutes;
  private final Duration dueAfterStart;

  /**
   * @param dueAfterStart when not null, the first run's routes fall due this long after the
   *     publisher started (a daemon started shortly before a burst: {@code --due-after-start 5s
   *     --warmup 0}); else each run's fall due a second after their loading is expected to end
   */
  public DrainBench(
      BenchEnvironment env, int routes, int runs, int warmupRoutes, Duration dueAfterStart) {
    this.env = env;
    this.routes = routes;
    this.runs = runs;
    this.warmupRoutes = warmupRoutes;
    this.dueAfterStart = dueAfterStart;
  }

  public BenchResult run(String command) throws Exception {
    BenchResult result =
        env.result("drain", command)
            .context("routes", routes)
            .context("workers", env.workers())
            .context("batch_size", env.batchSize());
    if (dueAfterStart != null) {
      result.context("due_after_publisher_start_ms", dueAfterStart.toMillis());
    }
    try (var publisher = env.startPublisher()) {
      Instant started = env.clock().instant();
      if (warmupRoutes > 0) {
        // A running daemon has long compiled its publishing path; the bench has not. Herald's CPU
        // per route falls about sixfold over the first two load-and-drain cycles, whatever their
        // size (measured: 1.4 s, 0.35 s, 0.22 s per 100,000 routes), so warm up with two.
        for (int cycle = 1; cycle <= 2; cycle++) {
          drainOnce("warmup" + cycle, Math.max(1, warmupRoutes / 2), null);
          env.clean();
        }
      }
      for (int run = 1; run <= runs; run++) {
        // The floor right before each drain, on the same Redis: the ratio is what to compare,
        // since this machine's speed drifts between minutes as well as days.
        double floor = FloorBench.measure(env, routes);
        Instant due = run == 1 && dueAfterStart != null ? started.plus(dueAfterStart) : null;
        DrainRun r = drainOnce("r" + run, routes, due);
        env.clean();
        double perRoute = r.redisCpu() * 1e6 / routes;
        result.add(new Figure("drain_routes_per_s", r.routesPerSecond(), "routes/s"));
        result.add(new Figure("first_append_after_due_ms", r.firstAfterDueMs(), "ms"));
        result.add(new Figure("last_append_after_due_ms", r.lastAfterDueMs(), "ms"));
        result.add(new Figure("herald_cpu_s", r.heraldCpu(), "s"));
        result.add(new Figure("redis_cpu_s", r.redisCpu(), "s"));
        result.add(new Figure("redis_cpu_us_per_route", perRoute, "µs"));
        result.add(new Figure("floor_redis_cpu_us_per_entry", floor, "µs"));
        result.add(new Figure("redis_cpu_ratio_to_floor", perRoute / floor, "x"));
        if (!r.masters().isEmpty()) {
          MasterCpu.addTo(result, r.masters(), routes, r.heraldCpu());
        }
        if (r.lateBy() > 0) {
          result.note(
              "run " + run + ": loading finished " + r.lateBy() + " ms after the due instant");
        }
      }
    }
    return result;
  }

  private record DrainRun(
      double routesPerSecond,
      long firstAfterDueMs,
      long lastAfterDueMs,
      double heraldCpu,
      double redisCpu,
      long lateBy,
      List<MasterCpu.Drained> masters) {}

  /**
   * @param fixedDue when the routes fall due; null: after their loading, estimated
   */
  private DrainRun drainOnce(String run, int count, Instant fixedDue) throws Exception {
    ServerProbe probe = env.stores().probe();
    Instant start = env.clock().instant();
    // Due after loading ends: a conservative 50,000 routes/s of loading, plus a second.
    Instant due = fixedDue != null ? fixedDue : start.plusMillis(1000 + count / 50L);
    List<SubmitResult> results = env.intake().submit(Workload.notifications(run, count, due));
    for (SubmitResult r : results) {
      if (r.outcome() != SubmitResult.Outcome.ACCEPTED) {
        throw new IllegalStateException("loading failed: " + r.errors());
      }
    }
    long lateBy = Duration.between(due, env.clock().instant()).toMillis();
    env.sleepUntil(due);
    double heraldCpu0 = BenchEnvironment.heraldCpuSeconds();
    double redisCpu0 = probe.cpuSeconds();
    MasterCpu masters = env.sharded() ? MasterCpu.start(env) : null;
    int expected = results.size() * Workload.RECIPIENTS;
    if (!env.awaitStream(expected, Duration.ofMinutes(5))) {
      throw new IllegalStateException(
          "the stream did not reach " + expected + " entries in 5 minutes");
    }
    double heraldCpu = BenchEnvironment.heraldCpuSeconds() - heraldCpu0;
    double redisCpu = probe.cpuSeconds() - redisCpu0;
    long dueMs = due.toEpochMilli();
    List<MasterCpu.Drained> perMaster = masters == null ? List.of() : masters.stop(dueMs);
    StreamEntryTime first = ShardStreams.first(env);
    StreamEntryTime last = ShardStreams.last(env);
    long lastAfter = Math.max(1, last.appendedAtMs() - dueMs);
    return new DrainRun(
        expected * 1000.0 / lastAfter,
        first.appendedAtMs() - dueMs,
        lastAfter,
        heraldCpu,
        redisCpu,
        Math.max(0, lateBy),
        perMaster);
  }
}
