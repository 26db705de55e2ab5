package dev.herald.bench;

import dev.herald.domain.NotificationRequest;
import dev.herald.intake.Intake;
import dev.herald.intake.SubmitResult;
import dev.herald.store.ServerProbe;
import dev.herald.store.ServerProbe.StreamEntryTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code steady}: routes offered at a steady rate through the normal submit path, each due when it
 * is submitted; how late do they reach the stream. Due→stream lag is the entry's append time minus
 * the notification's due time; submit→stream adds the time of the submit call itself.
 */
public final class SteadyBench {

  private static final long TICK_NANOS = 10_000_000; // submit every 10 ms

  private final BenchEnvironment env;
  private final int routesPerSecond;
  private final Duration duration;

  public SteadyBench(BenchEnvironment env, int routesPerSecond, Duration duration) {
    this.env = env;
    this.routesPerSecond = routesPerSecond;
    this.duration = duration;
  }

  public BenchResult run(String command) throws Exception {
    ServerProbe probe = env.stores().probe();
    Map<String, long[]> sent = new HashMap<>(); // notification id -> {due ms, submit start ms}
    int offered = 0;
    try (var publisher = env.startPublisher()) {
      // Warm the publishing path up before measuring.
      int warmup = offer(env.intake(), "warmup", 0, 2_000, new HashMap<>());
      env.awaitStream(warmup, Duration.ofSeconds(30));
      env.clean();

      Intake intake = env.intake();
      double perTick = routesPerSecond * (TICK_NANOS / 1e9) / Workload.RECIPIENTS;
      long start = System.nanoTime();
      long end = start + duration.toNanos();
      double owed = 0;
      int seq = 0;
      for (long tick = start; tick < end; tick += TICK_NANOS) {
        LockSupport.parkNanos(tick - System.nanoTime());
        owed += perTick;
        int now = (int) owed;
        owed -= now;
        if (now > 0) {
          offered += offer(intake, "s", seq, now, sent);
          seq += now;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      env.awaitStream(offered, Duration.ofSeconds(60));
      double[][] lags = lags(probe, sent);
      BenchResult result =
          env.result("steady", command)
              .context("offered_routes_per_s", routesPerSecond)
              .context("duration_s", duration.toSeconds())
              .context("workers", env.workers());
      result.add(new Figure("achieved_routes_per_s", offered / seconds, "routes/s"));
      for (double p : new double[] {50, 90, 99, 100}) {
        String name = p == 100 ? "max" : "p" + (int) p;
        result.add(new Figure("due_to_stream_" + name + "_ms", Stats.percentile(lags[0], p), "ms"));
      }
      for (double p : new double[] {50, 99}) {
        result.add(
            new Figure("submit_to_stream_p" + (int) p + "_ms", Stats.percentile(lags[1], p), "ms"));
      }
      env.clean();
      return result;
    }
  }

  /** Submits {@code count} notifications due now; returns their routes. */
  private int offer(Intake intake, String run, int from, int count, Map<String, long[]> sent) {
    long submitStart = System.currentTimeMillis();
    Instant due = env.clock().instant();
    List<NotificationRequest> batch = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      batch.add(Workload.notification(run, from + i, due));
    }
    int routes = 0;
    for (SubmitResult r : intake.submit(batch)) {
      if (r.outcome() == SubmitResult.Outcome.ACCEPTED) {
        sent.put(r.notificationId(), new long[] {due.toEpochMilli(), submitStart});
        routes += Workload.RECIPIENTS;
      }
    }
    return routes;
  }

  /** [0] due→stream and [1] submit→stream, one value per entry, in ms. */
  private double[][] lags(ServerProbe probe, Map<String, long[]> sent) {
    List<Double> due = new ArrayList<>();
    List<Double> submit = new ArrayList<>();
    String after = "-";
    while (true) {
      List<StreamEntryTime> page = probe.readStream(env.stream(), after, 10_000);
      if (page.isEmpty()) {
        break;
      }
      for (StreamEntryTime e : page) {
        long[] times = sent.get(e.notificationId());
        if (times != null) {
          due.add((double) (e.appendedAtMs() - times[0]));
          submit.add((double) (e.appendedAtMs() - times[1]));
        }
      }
      after = page.get(page.size() - 1).id();
    }
    return new double[][] {
      due.stream().mapToDouble(Double::doubleValue).toArray(),
      submit.stream().mapToDouble(Double::doubleValue).toArray()
    };
  }
}
