package dev.herald.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.testing.Harness;
import dev.herald.testing.RedisServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connection faults mid-drain: Herald's connections killed (CLIENT KILL), Redis busy longer than
 * the client timeout (DEBUG SLEEP), Redis stopped for a while. The loop backs off, /readyz goes red
 * and green again, nothing is lost, and no route is charged an attempt for it.
 */
class ConnectionFaultsChaosIT {

  @TempDir Path dir;

  @Test
  void killed_connections_a_sleeping_redis_and_a_stopped_redis_lose_nothing() throws Exception {
    int routes = Chaos.routes(10_000, 100_000);
    Duration stopped = Chaos.duration(Duration.ofSeconds(5), Duration.ofSeconds(30));
    try (RedisServerProcess redis =
            RedisServerProcess.start("--appendonly", "yes", "--appendfsync", "always");
        Harness h = Harness.realTime(redis.url());
        Fleet fleet =
            Fleet.up(
                dir,
                1,
                h,
                "publisher:\n  workers: 4\n  batch-size: 100\n  poll-interval: 100ms\n"
                    + "  lease: 30s\n")) {
      await().atMost(Duration.ofSeconds(10)).until(() -> fleet.readyz(0) == 200);
      List<String> ids =
          Chaos.submit(h, routes, Chaos.duration(Duration.ofSeconds(15), Duration.ofSeconds(60)));

      await().atMost(Duration.ofSeconds(30)).until(() -> h.raw.xlen(h.stream) > 0);
      String killed = redis.call("CLIENT", "KILL", "TYPE", "normal");
      Thread.sleep(500);
      redis.call("CLIENT", "KILL", "TYPE", "pubsub");
      Thread.sleep(500);
      // Busier than the client timeout (2 s): calls time out, the connections are dropped.
      redis.call("DEBUG", "SLEEP", "3");

      redis.kill();
      boolean wentRed = false;
      long stopStart = System.nanoTime();
      while (System.nanoTime() - stopStart < stopped.toNanos()) {
        wentRed |= fleet.readyz(0) == 503;
        Thread.sleep(200);
      }
      redis.startAgain();
      long answering = System.nanoTime();
      await().atMost(Duration.ofSeconds(10)).until(() -> fleet.readyz(0) == 200);
      long greenMs = (System.nanoTime() - answering) / 1_000_000;
      Chaos.awaitDrained(h, routes, Duration.ofMinutes(3));

      Chaos.dropBrokenConnections(h);
      Chaos.Ledger ledger = Chaos.ledger(h);
      Chaos.report(
          "connection faults",
          String.format(
              "routes %d; CLIENT KILL (%s), DEBUG SLEEP 3 s > 2 s timeout, Redis stopped %d s;"
                  + " /readyz red %s, green %d ms after Redis answered; lost %d, duplicated %d",
              routes,
              killed,
              stopped.toSeconds(),
              wentRed ? "yes" : "no",
              greenMs,
              routes - ledger.distinct(),
              ledger.duplicated()));
      assertThat(wentRed).as("/readyz red while Redis was down").isTrue();
      Chaos.assertEachOnce(ledger, routes);
      Chaos.assertPublishedOnce(h, ids, true);
    }
  }
}
