package dev.herald.bench;

import dev.herald.domain.NotificationRequest;
import dev.herald.intake.Intake;
import dev.herald.intake.IntakeCycle;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * {@code intake}: how many routes per second are accepted through the Java API (the path of `herald
 * submit`, batches of 500 notifications) and through the intents stream (intents appended
 * beforehand, then taken by one consumer as `herald run` has, {@code intake.batch-size} per round).
 * Nothing is published: the routes fall due in a day.
 */
public final class IntakeBench {

  private static final int BATCH = 500;

  private final BenchEnvironment env;
  private final int routes;
  private final int runs;

  public IntakeBench(BenchEnvironment env, int routes, int runs) {
    this.env = env;
    this.routes = routes;
    this.runs = runs;
  }

  public BenchResult run(String command) {
    BenchResult result =
        env.result("intake", command)
            .context("routes", routes)
            .context("notifications_per_call", BATCH);
    Intake intake = env.intake();
    Instant later = env.clock().instant().plus(1, ChronoUnit.DAYS);
    accept(intake, "warmup", Math.min(routes, 20_000), later);
    env.clean();
    for (int run = 1; run <= runs; run++) {
      long start = System.nanoTime();
      int accepted = accept(intake, "r" + run, routes, later);
      double seconds = (System.nanoTime() - start) / 1e9;
      env.clean();
      result.add(new Figure("api_routes_per_s", accepted / seconds, "routes/s"));
    }
    result.context("intake_batch_size", env.intakeBatchSize());
    consume(env, "warmup-stream", Math.min(routes, 20_000), later);
    for (int run = 1; run <= runs; run++) {
      double rate = consume(env, "s" + run, routes, later);
      result.add(new Figure("stream_routes_per_s", rate, "routes/s"));
    }
    return result;
  }

  /** Appends the intents, then times one consumer settling them all; returns routes/s. */
  private static double consume(BenchEnvironment env, String run, int routes, Instant sendAt) {
    List<String> intents = Workload.intents(run, routes, sendAt);
    env.stores().intents().createGroup();
    for (int i = 0; i < intents.size(); i += 10_000) {
      env.stores()
          .probe()
          .appendIntents(
              env.stores().intentsStream(),
              intents.subList(i, Math.min(intents.size(), i + 10_000)));
    }
    IntakeCycle cycle = env.intakeCycle();
    long start = System.nanoTime();
    int settled = 0;
    while (settled < intents.size()) {
      settled += cycle.runOnce(Duration.ZERO);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long left = env.stores().probe().streamLength(env.stores().intentsStream());
    if (left != 0) {
      throw new IllegalStateException(left + " intents left in the stream after the run");
    }
    env.clean();
    return intents.size() * (double) Workload.RECIPIENTS / seconds;
  }

  private static int accept(Intake intake, String run, int routes, Instant sendAt) {
    List<NotificationRequest> all = Workload.notifications(run, routes, sendAt);
    int accepted = 0;
    for (int i = 0; i < all.size(); i += BATCH) {
      accepted +=
          intake.submit(all.subList(i, Math.min(all.size(), i + BATCH))).stream()
                  .filter(r -> r.notificationId() != null)
                  .count()
              * Workload.RECIPIENTS;
    }
    return accepted;
  }
}
