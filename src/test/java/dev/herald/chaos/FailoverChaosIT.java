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
 * Errors of a Redis in failover or in trouble: READONLY (turned into a replica, then promoted
 * back), LOADING (restarted with a large dataset), OOM on XADD (maxmemory reached). Each is
 * classified as the server's trouble: no route is charged an attempt for it, none becomes a dead
 * letter, and publishing resumes by itself.
 */
class FailoverChaosIT {

  @TempDir Path dir;

  private static final String CONFIG =
      "publisher:\n  workers: 2\n  batch-size: 100\n  poll-interval: 100ms\n  lease: 2s\n"
          + "delivery:\n  max-attempts: 2\n"
          + "backoff:\n  initial: 100ms\n  jitter: none\n";

  @Test
  void readonly_during_a_failover_charges_no_attempt() throws Exception {
    run(
        "READONLY (REPLICAOF an unreachable primary, then REPLICAOF NO ONE)",
        "READONLY",
        (redis, h) -> {
          int nowhere = RedisServerProcess.freePort();
          redis.call("REPLICAOF", "127.0.0.1", Integer.toString(nowhere));
          Thread.sleep(Chaos.FULL ? 10_000 : 3_000);
          redis.call("REPLICAOF", "NO", "ONE");
          return "replica for " + (Chaos.FULL ? 10 : 3) + " s";
        });
  }

  @Test
  void loading_after_a_restart_charges_no_attempt() throws Exception {
    run(
        "LOADING (restart with a large dataset)",
        "LOADING",
        (redis, h) -> {
          int keys = Chaos.FULL ? 150_000 : 50_000;
          redis.call("DEBUG", "POPULATE", Integer.toString(keys), "filler", "1000");
          // Into the AOF (DEBUG POPULATE itself is not logged), which a restart reads back.
          // "No rewrite in progress" alone can hold before the rewrite started (it may be
          // scheduled behind another child), so wait until the rewritten base has grown by the
          // filler.
          long baseBefore = Long.parseLong(field(h.raw.info("persistence"), "aof_base_size"));
          // Redis looks at its clients once per ~2 MB of file it loads. Large uncompressed values
          // keep that to ~2,000 keys (< 0.3 s at the delay below); with 100-byte values,
          // compressed, it was ~70,000 keys, 2.8 s: Herald's reads timed out (2 s) and were never
          // answered LOADING.
          redis.call("CONFIG", "SET", "rdbcompression", "no");
          redis.call("BGREWRITEAOF");
          await()
              .atMost(Duration.ofMinutes(2))
              .pollInterval(Duration.ofMillis(200))
              .until(() -> aofBaseSize(h) > baseBefore + keys * 1000L);
          redis.kill();
          // key-load-delay (a Redis setting for tests) stretches loading to seconds: Redis
          // answers LOADING all that time.
          redis.startAgain(Duration.ofMinutes(2), "--key-load-delay", "60");
          return "restarted with "
              + (Chaos.FULL ? "150k" : "50k")
              + " filler keys of 1 KB to load at 60 us each";
        });
  }

  @Test
  void out_of_memory_on_xadd_charges_no_attempt() throws Exception {
    run(
        "OOM on XADD (maxmemory reached, then raised)",
        "OOM",
        (redis, h) -> {
          long used = Long.parseLong(info(h, "used_memory"));
          redis.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
          redis.call("CONFIG", "SET", "maxmemory", Long.toString(used + 64 * 1024));
          Thread.sleep(Chaos.FULL ? 10_000 : 3_000);
          redis.call("CONFIG", "SET", "maxmemory", "0");
          return "maxmemory at used + 64 KiB for " + (Chaos.FULL ? 10 : 3) + " s";
        });
  }

  private static long aofBaseSize(Harness h) {
    String persistence = h.raw.info("persistence");
    return persistence.contains("aof_rewrite_in_progress:0")
            && persistence.contains("aof_rewrite_scheduled:0")
        ? Long.parseLong(field(persistence, "aof_base_size"))
        : 0;
  }

  private static String info(Harness h, String field) {
    return field(h.raw.info("memory"), field);
  }

  private static String field(String info, String field) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1).trim();
      }
    }
    throw new AssertionError("no " + field);
  }

  interface Fault {
    String inject(RedisServerProcess redis, Harness h) throws Exception;
  }

  /**
   * @param code the Redis error Herald must have met (and logged): else the fault missed it
   */
  private void run(String scenario, String code, Fault fault) throws Exception {
    int routes = Chaos.routes(5_000, 50_000);
    try (RedisServerProcess redis =
            RedisServerProcess.start("--appendonly", "yes", "--appendfsync", "always");
        Harness h = Harness.realTime(redis.url());
        Fleet fleet = Fleet.up(dir, 1, h, CONFIG)) {
      List<String> ids =
          Chaos.submit(h, routes, Chaos.duration(Duration.ofSeconds(6), Duration.ofSeconds(30)));
      await().atMost(Duration.ofSeconds(30)).until(() -> h.raw.xlen(h.stream) > 0);

      String what = fault.inject(redis, h);

      Chaos.awaitDrained(h, routes, Duration.ofMinutes(3));
      Chaos.dropBrokenConnections(h);
      Chaos.Ledger ledger = Chaos.ledger(h);
      String dead = String.valueOf(h.raw.zcard(h.keys.deadLetters()));
      Chaos.report(
          scenario,
          String.format(
              "routes %d, %s; lost %d, duplicated %d, dead letters %s, extra attempts charged 0",
              routes, what, routes - ledger.distinct(), ledger.duplicated(), dead));
      assertThat(fleet.logged(code))
          .as("Herald met the fault (%s)\n%s", code, fleet.logs())
          .isTrue();
      assertThat(h.raw.zcard(h.keys.deadLetters())).as("dead letters").isZero();
      Chaos.assertEachOnce(ledger, routes);
      Chaos.assertPublishedOnce(h, ids, true);
    }
  }
}
