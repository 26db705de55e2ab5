package dev.herald.bench;

import dev.herald.domain.NotificationRequest;
import dev.herald.intake.Intake;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * {@code intake}: how many routes per second the Java API (the path of `herald submit`) accepts, in
 * batches of 500 notifications. Nothing is published: the routes fall due in a day.
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
        new BenchResult("intake")
            .context(
                "redis", env.stores().probe().version() + ", " + env.stores().probe().persistence())
            .context("routes", routes)
            .context("notifications_per_call", BATCH)
            .command(command);
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
    return result;
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
