package dev.herald.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.testing.Harness;
import dev.herald.testing.RedisServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stuck leases: a process frozen (SIGSTOP) longer than the lease while it holds routes. Another
 * takes them over; when the frozen one thaws, its completions are refused. No duplicates.
 *
 * <p>The processes lease every route ({@code inline-publish: false}): a claim that publishes inline
 * holds nothing between its round trips for a freeze to strand (the routes only a lease can carry,
 * of an open breaker, a record the worker must judge, go this same way); the other fault tests run
 * with inline publishing.
 */
class StuckLeaseChaosIT {

  @TempDir Path dir;

  @Test
  void a_worker_frozen_past_its_lease_loses_its_routes_and_its_late_completions_are_refused()
      throws Exception {
    int routes = Chaos.routes(20_000, 100_000);
    try (RedisServerProcess redis = RedisServerProcess.start();
        Harness h = Harness.realTime(redis.url());
        Fleet fleet =
            Fleet.up(
                dir,
                2,
                h,
                "publisher:\n  workers: 2\n  batch-size: 500\n  poll-interval: 100ms\n"
                    + "  lease: 1s\n  inline-publish: false\n")) {
      List<String> ids = new java.util.ArrayList<>();
      int pauses = 0;
      long conflicts = 0;
      // A burst keeps process 0's workers busy; the freeze lands within a few ms of the burst's
      // first append (a fast machine drains it in ~100 ms). Only a freeze between a claim and its
      // completion leaves a stale batch, so repeat with a new burst until one was refused. Each
      // repeat waits for its own burst's first append: waiting for any entry froze every repeat
      // before its burst was due (CI failed so after 5 tries).
      while (conflicts == 0 && pauses < 15) {
        long before = h.raw.xlen(h.stream);
        ids.addAll(Chaos.submit(h, routes, Duration.ofMillis(100)));
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(5))
            .until(() -> h.raw.xlen(h.stream) > before);
        fleet.get(0).pause();
        pauses++;
        Thread.sleep(2_500); // past the 1 s lease: process 1 takes over
        fleet.get(0).resume();
        int expected = ids.size() * 10;
        await()
            .atMost(Duration.ofMinutes(2))
            .until(() -> h.raw.zcard(h.keys.schedule()) == 0 && h.raw.xlen(h.stream) >= expected);
        try {
          // The thawed workers' completions, refused.
          await()
              .atMost(Duration.ofSeconds(2))
              .pollInterval(Duration.ofMillis(20))
              .until(() -> h.raw.hget(h.keys.stats(), "lease_conflicts") != null);
        } catch (ConditionTimeoutException missed) {
          // This freeze landed between two batches: none held, none refused. Try another.
        }
        String value = h.raw.hget(h.keys.stats(), "lease_conflicts");
        conflicts = value == null ? 0 : Long.parseLong(value);
      }
      routes = ids.size() * 10;
      Chaos.Ledger ledger = Chaos.ledger(h);
      Chaos.report(
          "stuck leases",
          String.format(
              "routes %d, SIGSTOP > lease %d times, late completions refused %d; lost %d,"
                  + " duplicated %d",
              routes, pauses, conflicts, routes - ledger.distinct(), ledger.duplicated()));
      assertThat(conflicts).as("stale completions refused").isPositive();
      Chaos.assertEachOnce(ledger, routes);
      Chaos.assertPublishedOnce(h, ids, false);
    }
  }
}
