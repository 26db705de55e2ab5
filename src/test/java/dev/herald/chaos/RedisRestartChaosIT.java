package dev.herald.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.testing.Harness;
import dev.herald.testing.RedisServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis restarts mid-drain, with AOF everysec: a crash (SIGKILL: up to a second of writes lost) and
 * a clean SHUTDOWN. Herald resumes by itself within 2 s of Redis answering, and the stream holds
 * every route exactly once: the append and the route's state are one script, so a crash loses both
 * or neither.
 */
class RedisRestartChaosIT {

  @TempDir Path dir;

  @Test
  void a_crashed_redis_is_resumed_from_without_loss_or_duplicates() throws Exception {
    restartMidDrain("Redis crash (SIGKILL), AOF everysec", RedisServerProcess::kill);
  }

  @Test
  void a_cleanly_restarted_redis_is_resumed_from_without_loss_or_duplicates() throws Exception {
    restartMidDrain("Redis clean restart (SHUTDOWN), AOF everysec", RedisServerProcess::shutdown);
  }

  private void restartMidDrain(String scenario, Consumer<RedisServerProcess> stop)
      throws Exception {
    int routes = Chaos.routes(10_000, 100_000);
    try (RedisServerProcess redis =
            RedisServerProcess.start("--appendonly", "yes", "--appendfsync", "everysec");
        Harness h = Harness.realTime(redis.url());
        Fleet fleet =
            Fleet.up(
                dir, 1, h, "publisher:\n  workers: 4\n  poll-interval: 100ms\n  lease: 5s\n")) {
      List<String> ids =
          Chaos.submit(h, routes, Chaos.duration(Duration.ofSeconds(4), Duration.ofSeconds(20)));
      Thread.sleep(1_500); // acceptance is more than one fsync (1 s) old before the fault
      await().atMost(Duration.ofSeconds(60)).until(() -> h.raw.xlen(h.stream) >= routes / 3);

      long atFault = h.raw.xlen(h.stream);
      stop.accept(redis);
      redis.startAgain();
      long answering = System.nanoTime();
      // The test's own pooled connections broke with the restart: the first call may fail.
      long before =
          await()
              .ignoreExceptions()
              .atMost(Duration.ofSeconds(5))
              .until(() -> h.raw.xlen(h.stream), n -> true);
      // Entries appended in the last fsync window before a crash are gone with the route states
      // that recorded them; they are appended again (a consumer that read them sees them twice).
      long rolledBack = Math.max(0, atFault - before);
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(10))
          .ignoreExceptions()
          .until(() -> h.raw.xlen(h.stream) > before || h.raw.zcard(h.keys.schedule()) == 0);
      long recoveryMs = (System.nanoTime() - answering) / 1_000_000;
      Chaos.awaitDrained(h, routes, Duration.ofMinutes(2));

      Chaos.Ledger ledger = Chaos.ledger(h);
      Chaos.report(
          scenario,
          String.format(
              "routes %d, 1 restart mid-drain; resumed %d ms after Redis answered; lost %d,"
                  + " duplicated %d; entries rolled back by the restart and appended again: at"
                  + " least %d",
              routes, recoveryMs, routes - ledger.distinct(), ledger.duplicated(), rolledBack));
      assertThat(recoveryMs).as("resumed within 2 s of Redis answering").isLessThanOrEqualTo(2_000);
      Chaos.assertEachOnce(ledger, routes);
      Chaos.assertPublishedOnce(h, ids, false);
    }
  }
}
