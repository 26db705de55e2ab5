package dev.herald.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.Harness;
import dev.herald.testing.RedisServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker kills: two processes of four workers; every few seconds one of them, chosen at random, is
 * killed with SIGKILL and started again. Every route must be in the stream exactly once.
 */
class WorkerKillChaosIT {

  @TempDir Path dir;

  @Test
  void every_route_is_published_exactly_once_while_processes_keep_being_killed() throws Exception {
    int routes = Chaos.routes(10_000, 100_000);
    Duration spread = Chaos.duration(Duration.ofSeconds(6), Duration.ofSeconds(40));
    Duration killEvery = Chaos.duration(Duration.ofMillis(1500), Duration.ofSeconds(3));
    try (RedisServerProcess redis = RedisServerProcess.start();
        Harness h = Harness.realTime(redis.url());
        Fleet fleet =
            Fleet.up(
                dir,
                2,
                h,
                "publisher:\n  workers: 4\n  batch-size: 100\n  poll-interval: 100ms\n"
                    + "  lease: 2s\n  shutdown-grace: 2s\n")) {
      List<String> ids = Chaos.submit(h, routes, spread);
      long start = System.nanoTime();
      Random random = new Random(42);
      int kills = 0;
      while (h.raw.zcard(h.keys.schedule()) > 0 || h.raw.xlen(h.stream) < routes) {
        if (System.nanoTime() - start > Duration.ofMinutes(5).toNanos()) {
          throw new AssertionError("not drained in 5 minutes\n" + fleet.logs());
        }
        Thread.sleep(killEvery.toMillis());
        if (h.raw.xlen(h.stream) < routes) {
          int victim = random.nextInt(fleet.size());
          fleet.get(victim).kill();
          fleet.start(victim);
          kills++;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      Chaos.Ledger ledger = Chaos.ledger(h);
      Chaos.report(
          "worker kills",
          String.format(
              "routes %d, 2 processes x 4 workers, SIGKILL+restart %d times; lost %d, duplicated"
                  + " %d; drained in %.1f s",
              routes, kills, routes - ledger.distinct(), ledger.duplicated(), seconds));
      assertThat(kills).isPositive();
      Chaos.assertEachOnce(ledger, routes);
      Chaos.assertPublishedOnce(h, ids, false);
    }
  }
}
