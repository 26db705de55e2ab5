package dev.herald.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.config.DurabilitySettings;
import dev.herald.config.RedisEndpoint;
import dev.herald.config.RedisSettings;
import dev.herald.config.SentinelSettings;
import dev.herald.testing.Harness;
import dev.herald.testing.SentinelSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Failovers under Sentinel, with real processes: a primary, one replica, three sentinels and two
 * {@code herald run} processes configured with {@code redis.sentinel}, while routes drain. The
 * primary is SIGKILLed (without and with {@code durability.replicas: 1}), or switched over on
 * purpose ({@code SENTINEL FAILOVER}). Herald must resume publishing on the promoted replica
 * without a restart, every route must end published, and the new primary's stream must hold each
 * route once. A consumer that read the old primary and then the new one counts the routes it saw
 * twice: publishes the old primary acknowledged and lost before its replica had them, which come
 * back pending and are appended again.
 */
class SentinelFailoverChaosIT {

  @TempDir Path dir;

  private static final int WORKERS = 2;
  private static final int BATCH = 100;
  private static final int PROCESSES = 2;

  private static final String CONFIG =
      "publisher:\n  workers: "
          + WORKERS
          + "\n  batch-size: "
          + BATCH
          + "\n  poll-interval: 100ms\n  lease: 5s\n";

  @Test
  void a_killed_primary_is_followed_to_the_promoted_replica() throws Exception {
    run("Sentinel, SIGKILL of the primary, no WAIT", 0, SentinelSet::killPrimary);
  }

  @Test
  void a_killed_primary_loses_no_replica_acknowledged_publish() throws Exception {
    run("Sentinel, SIGKILL of the primary, durability.replicas 1", 1, SentinelSet::killPrimary);
  }

  @Test
  void a_planned_switch_over_mid_drain_loses_and_duplicates_nothing() throws Exception {
    run("Sentinel, SENTINEL FAILOVER (planned)", 1, SentinelSet::failover);
  }

  /**
   * With {@code min-replicas-to-write 1}, the old primary refuses writes (NOREPLICAS) from the
   * moment its replica is promoted and leaves it, until the sentinels make it a replica: Herald
   * holds the batch under its lease and sends it to the new primary, so a consumer of the old
   * primary sees a route twice only if its batch ran in the instant before the old primary saw its
   * replica leave (and was counted unacknowledged). The cost: the new primary takes writes only
   * once the old one rejoined it as a replica.
   */
  @Test
  void a_planned_switch_over_with_min_replicas_to_write_loses_only_unacknowledged_batches()
      throws Exception {
    run(
        "Sentinel, SENTINEL FAILOVER (planned), min-replicas-to-write 1",
        1,
        SentinelSet::failover,
        "--min-replicas-to-write",
        "1",
        "--min-replicas-max-lag",
        "10");
  }

  interface Fault {
    void inject(SentinelSet set);
  }

  private void run(String scenario, int replicas, Fault fault, String... serverArgs)
      throws Exception {
    boolean minReplicas = serverArgs.length > 0;
    int routes = Chaos.routes(5_000, 50_000);
    Duration spread = Chaos.duration(Duration.ofSeconds(6), Duration.ofSeconds(20));
    String durability = "durability:\n  replicas: " + replicas + "\n  replica-timeout: 100ms\n";
    try (SentinelSet set = SentinelSet.start(serverArgs);
        Harness h = Harness.realTime(endpoint(set), set.primary().url());
        Fleet fleet = new Fleet(dir, PROCESSES, h, set.redisYaml(), CONFIG + durability);
        Consumer consumer = new Consumer(set, h.stream)) {
      HostAndPort before = set.currentPrimary();
      fleet.startAll();
      await().atMost(Duration.ofSeconds(60)).until(fleet::allUp);
      consumer.start();
      List<String> ids = Chaos.submit(h, routes, spread);
      await().atMost(Duration.ofSeconds(60)).until(() -> consumer.seen() >= routes / 4);

      // The new primary must not have Herald's scripts: Herald loads them again on NOSCRIPT there.
      set.replica().call("SCRIPT", "FLUSH");
      long faultAt = System.currentTimeMillis();
      fault.inject(set);
      long promotedAt = awaitPromotion(set, before);

      HostAndPort after = new HostAndPort("127.0.0.1", set.replica().port());
      try (Jedis primary = new Jedis(after)) {
        await()
            .atMost(Duration.ofMinutes(3))
            .pollInterval(Duration.ofMillis(200))
            .ignoreExceptions()
            .until(() -> distinct(primary, h.stream).size() >= routes);
        Map<String, Integer> onNew = distinct(primary, h.stream);
        long entries = primary.xlen(h.stream);
        long firstAfter = firstEntryAtOrAfter(primary, h.stream, promotedAt);
        await().atMost(Duration.ofSeconds(10)).until(() -> consumer.seen() >= entries);
        consumer.stop();
        long resumedMs = firstAfter - promotedAt;
        long seenTwice = consumer.seenTwice();
        double failovers = 0;
        double unacked = 0;
        for (int i = 0; i < PROCESSES; i++) {
          failovers += fleet.metrics(i).value("herald_redis_failovers_total");
          unacked += fleet.metrics(i).value("herald_replica_unacknowledged_batches_total");
        }
        Chaos.report(
            scenario,
            String.format(
                "routes %d; promoted %d ms after the fault, first append on the new primary %d ms"
                    + " after the promotion; lost %d, duplicated in the new primary's stream %d;"
                    + " appended twice to a consumer that read both primaries %d; failovers"
                    + " followed %.0f; batches not replica-acknowledged %.0f",
                routes,
                promotedAt - faultAt,
                resumedMs,
                routes - onNew.size(),
                entries - onNew.size(),
                seenTwice,
                failovers,
                unacked));
        assertThat(onNew).as("every route published on the new primary").hasSize(routes);
        assertThat(entries).as("duplicates in the new primary's stream").isEqualTo(routes);
        // With min-replicas-to-write the new primary takes writes only once the old one rejoined
        // it as a replica, which the sentinels arrange at their next look (about 10 s): Redis's
        // time, not Herald's.
        assertThat(resumedMs)
            .as("resume after the promotion, ms")
            .isLessThan(minReplicas ? 60_000 : 10_000);
        assertThat(fleet.logged("followed a failover of '" + SentinelSet.MASTER + "'"))
            .as(fleet.logs())
            .isTrue();
        assertThat(failovers).as("herald_redis_failovers_total").isGreaterThanOrEqualTo(PROCESSES);
        for (int i = 0; i < PROCESSES; i++) {
          assertThat(fleet.readyzBody(i)).contains("primary " + after);
        }
        if (replicas > 0) {
          // Only a batch whose WAIT never answered (in flight at the kill, or timed out) can be
          // lost: no more than each worker's batch in hand, and the ones counted unacknowledged.
          assertThat(seenTwice)
              .as("routes seen twice: only from batches not acknowledged by the replica")
              .isLessThanOrEqualTo((long) PROCESSES * WORKERS * BATCH + (long) unacked * BATCH);
        }
        if (minReplicas) {
          // Only a batch the old primary took in the instant before it saw its replica leave can
          // be lost, and its WAIT counted it: no batch in hand is lost beyond those.
          assertThat(seenTwice)
              .as("routes a consumer saw twice: only of batches counted unacknowledged")
              .isLessThanOrEqualTo((long) unacked * BATCH);
        }
        Chaos.assertPublishedOnce(h, ids, false);
      }
    }
  }

  private static RedisEndpoint endpoint(SentinelSet set) {
    RedisSettings redis =
        new RedisSettings(
            "redis://" + SentinelSet.MASTER,
            Duration.ofSeconds(2),
            null,
            new SentinelSettings(SentinelSet.MASTER, set.nodes(), null, null, null),
            null);
    return RedisEndpoint.of(redis, redis.url(), DurabilitySettings.defaults(), null, null);
  }

  /** Waits until the sentinels name another primary and it answers as master; when, in ms. */
  private static long awaitPromotion(SentinelSet set, HostAndPort before) {
    long[] at = new long[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .ignoreExceptions()
        .until(
            () -> {
              try (Jedis replica = new Jedis(new HostAndPort("127.0.0.1", set.replica().port()))) {
                if (replica.info("replication").contains("role:master")) {
                  at[0] = System.currentTimeMillis();
                  return true;
                }
              }
              return false;
            });
    assertThat(set.replica().port()).isNotEqualTo(before.getPort());
    return at[0];
  }

  private static Map<String, Integer> distinct(Jedis redis, String stream) {
    Map<String, Integer> counts = new HashMap<>();
    StreamEntryID from = null;
    while (true) {
      List<StreamEntry> page =
          redis.xrange(stream, from == null ? null : next(from), (StreamEntryID) null, 5000);
      for (StreamEntry e : page) {
        counts.merge(e.getFields().get("event_id"), 1, Integer::sum);
      }
      if (page.size() < 5000) {
        return counts;
      }
      from = page.get(page.size() - 1).getID();
    }
  }

  private static StreamEntryID next(StreamEntryID id) {
    return new StreamEntryID(id.getTime(), id.getSequence() + 1);
  }

  private static long firstEntryAtOrAfter(Jedis redis, String stream, long ms) {
    List<StreamEntry> first = redis.xrange(stream, new StreamEntryID(ms, 0), null, 1);
    assertThat(first).as("an append after the promotion").isNotEmpty();
    return first.get(0).getID().getTime();
  }

  /**
   * Reads the stream as a consumer would, from its last entry on: from the old primary until it is
   * gone, then from whichever primary the sentinels name.
   */
  private static final class Consumer implements AutoCloseable {
    private final SentinelSet set;
    private final String stream;
    private final Map<String, Integer> seen = new HashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private long total;

    Consumer(SentinelSet set, String stream) {
      this.set = set;
      this.stream = stream;
      this.thread = new Thread(this::loop, "test-consumer");
      thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    private void loop() {
      StreamEntryID last = new StreamEntryID(0, 0);
      HostAndPort at = set.currentPrimary();
      Jedis redis = new Jedis(at);
      long checked = 0;
      while (running.get()) {
        try {
          if (System.currentTimeMillis() - checked > 250) {
            checked = System.currentTimeMillis();
            HostAndPort now = set.currentPrimary();
            if (!now.equals(at)) {
              redis.close();
              at = now;
              redis = new Jedis(at);
            }
          }
          var reply =
              redis.xread(XReadParams.xReadParams().count(1000).block(100), Map.of(stream, last));
          if (reply != null) {
            for (var perStream : reply) {
              for (StreamEntry e : perStream.getValue()) {
                last = e.getID();
                synchronized (this) {
                  seen.merge(e.getFields().get("event_id"), 1, Integer::sum);
                  total++;
                }
              }
            }
          }
        } catch (RuntimeException gone) {
          redis.close();
          try {
            at = set.currentPrimary();
          } catch (RuntimeException noneYet) {
            // the sentinels are electing; ask again
          }
          redis = new Jedis(at);
        }
      }
      redis.close();
    }

    synchronized long seen() {
      return total;
    }

    synchronized long seenTwice() {
      return seen.values().stream().filter(c -> c > 1).count();
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join(5000);
    }

    @Override
    public void close() throws InterruptedException {
      stop();
    }
  }
}
