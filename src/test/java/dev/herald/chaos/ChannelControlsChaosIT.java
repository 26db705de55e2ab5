package dev.herald.chaos;

import static dev.herald.intake.SubmitResult.Outcome.ACCEPTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.config.ConfigLoader;
import dev.herald.daemon.Stores;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationRequest;
import dev.herald.domain.NotificationValidator;
import dev.herald.domain.RouteState;
import dev.herald.intake.Intake;
import dev.herald.intake.SubmitResult;
import dev.herald.store.RouteRecord;
import dev.herald.store.redis.RedisKeys;
import dev.herald.testing.Harness;
import dev.herald.testing.RedisClusterSet;
import dev.herald.testing.RedisServerProcess;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClusterClient;

/**
 * Channel controls under two real {@code herald run} processes: a paused channel is left alone for
 * as long as it is paused, and a rate limit holds across both processes.
 */
class ChannelControlsChaosIT {

  @TempDir Path dir;

  private static List<String> submit(Harness h, int notifications, String... channels) {
    Intake intake =
        new Intake(
            h.backend.notifications(),
            () -> new NotificationValidator(Set.of("push", "email"), 65_536),
            new NotificationIds(),
            h.time,
            () -> Duration.ofHours(1));
    List<String> ids = new ArrayList<>();
    List<NotificationRequest> batch = new ArrayList<>();
    for (int i = 0; i < notifications; i++) {
      batch.add(
          Harness.notification(Harness.recipients("u-" + i + "-", 10)).channels(channels).build());
      if (batch.size() == 500 || i == notifications - 1) {
        for (SubmitResult r : intake.submit(batch)) {
          assertThat(r.outcome()).isEqualTo(SubmitResult.Outcome.ACCEPTED);
          ids.add(r.notificationId());
        }
        batch.clear();
      }
    }
    return ids;
  }

  private static long length(Harness h, String stream) {
    return h.raw.exists(stream) ? h.raw.xlen(stream) : 0;
  }

  @Test
  void a_paused_channel_charges_no_attempt_and_publishes_nothing_until_resumed() throws Exception {
    Duration paused = Chaos.duration(Duration.ofSeconds(5), Duration.ofSeconds(30));
    int notifications = Chaos.routes(200, 2_000); // 10 recipients x 2 channels each
    try (RedisServerProcess redis = RedisServerProcess.start();
        Harness h = Harness.realTime(redis.url())) {
      String email = h.namespace + ":email";
      try (Fleet fleet =
          Fleet.up(
              dir,
              2,
              h,
              "channels:\n  push:\n    stream: "
                  + h.stream
                  + "\n  email:\n    stream: "
                  + email
                  + "\npublisher:\n  poll-interval: 100ms\n")) {
        h.backend.channelControls().pause("email", h.time.instant(), "chaos");
        List<String> ids = submit(h, notifications, "push", "email");
        int perChannel = notifications * 10;
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).until(() -> length(h, h.stream) == perChannel);
        while (System.nanoTime() - start < paused.toNanos()) {
          assertThat(length(h, email)).as("email entries while paused").isZero();
          Thread.sleep(250);
        }
        long attemptsWhilePaused = 0;
        for (String id : ids) {
          for (RouteRecord r : h.backend.notifications().find(id).orElseThrow().routes()) {
            if (r.routeId().channel().equals("email")) {
              assertThat(r.state()).isEqualTo(RouteState.PENDING);
              attemptsWhilePaused += r.attempts();
            }
          }
        }
        assertThat(attemptsWhilePaused).isZero();

        h.backend.channelControls().resume("email");
        long resumed = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).until(() -> length(h, email) == perChannel);
        double flowedIn = (System.nanoTime() - resumed) / 1e9;
        for (String id : ids) {
          for (RouteRecord r : h.backend.notifications().find(id).orElseThrow().routes()) {
            assertThat(r.state()).isEqualTo(RouteState.PUBLISHED);
            assertThat(r.attempts()).as("published at the first attempt").isEqualTo(1);
          }
        }
        Chaos.report(
            "channel paused",
            String.format(
                "%d email routes held %.0f s by 2 processes (push's %d flowed): 0 appended, 0"
                    + " attempts; all out %.1f s after the resume, each once",
                perChannel, paused.toMillis() / 1000.0, perChannel, flowedIn));
      }
    }
  }

  @Test
  void a_rate_limit_of_500_per_second_holds_across_two_processes() throws Exception {
    Duration window = Chaos.duration(Duration.ofSeconds(8), Duration.ofSeconds(20));
    int rate = 500;
    try (RedisServerProcess redis = RedisServerProcess.start();
        Harness h = Harness.realTime(redis.url())) {
      try (Fleet fleet =
          Fleet.up(
              dir,
              2,
              h,
              "channels:\n  push:\n    stream: "
                  + h.stream
                  + "\n    rate-limit: "
                  + rate
                  + "\npublisher:\n  workers: 4\n  poll-interval: 100ms\n")) {
        // Enough for the warm-up (a second's burst), the window and some to spare.
        int notifications = (int) ((window.toSeconds() + 6) * rate / 10);
        submit(h, notifications, "push");
        Thread.sleep(2_000); // past the first second's burst of a full bucket
        long fromLength = length(h, h.stream);
        long from = System.nanoTime();
        Thread.sleep(window.toMillis());
        long toLength = length(h, h.stream);
        double seconds = (System.nanoTime() - from) / 1e9;
        double measured = (toLength - fromLength) / seconds;
        List<Double> perProcess =
            h.backend.processes().read(h.time.instant()).stream()
                .map(p -> p.routesPerSecond())
                .toList();
        Chaos.report(
            "rate limit",
            String.format(
                "limit %d routes/s, 2 processes x 4 workers: %.1f routes/s over %.1f s (%+.1f%%);"
                    + " per process at the last heartbeat %s",
                rate, measured, seconds, (measured / rate - 1) * 100, perProcess));
        assertThat(measured).isBetween(rate * 0.9, rate * 1.1);
        assertThat(perProcess).hasSize(2).allSatisfy(r -> assertThat(r).isPositive());
        assertThat(toLength).isLessThan(notifications * 10L); // still limited at the end
      }
    }
  }

  /**
   * As above on a Redis Cluster of 16 shards: the tokens come from one shared bucket, so the rate
   * is the limit's across the shards and the processes (a bucket per shard would pass 16 times it).
   */
  @Test
  void a_rate_limit_of_500_per_second_holds_across_sixteen_shards_of_a_cluster() throws Exception {
    Duration window = Chaos.duration(Duration.ofSeconds(5), Duration.ofSeconds(20));
    int rate = 500;
    int shards = 16;
    try (RedisClusterSet cluster = RedisClusterSet.start();
        Harness h = new Harness()) {
      String extra =
          "channels:\n  push:\n    stream: "
              + h.stream
              + "\n    rate-limit: "
              + rate
              + "\npublisher:\n  workers: 4\n  poll-interval: 100ms\nintake:\n  stream: off";
      List<String> redisYaml = cluster.redisYaml(shards);
      Path submitterConfig = h.writeConfig(dir.resolve("submitter"), redisYaml, extra.split("\n"));
      List<String> streams =
          RedisKeys.ofShards(h.namespace, shards).stream().map(k -> k.stream(h.stream)).toList();
      try (Stores submitter =
              new Stores(new ConfigLoader(Map.of()).load(submitterConfig), Clock.systemUTC(), 4);
          RedisClusterClient raw = ClusterChaos.client(cluster);
          Fleet fleet = new Fleet(dir, 2, h, redisYaml, extra)) {
        int notifications = (int) ((window.toSeconds() + 6) * rate / 10);
        Intake intake = submitter.intake();
        List<NotificationRequest> batch = new ArrayList<>();
        for (int i = 0; i < notifications; i++) {
          batch.add(Harness.notification(Harness.recipients("u-" + i + "-", 10)).build());
          if (batch.size() == 500 || i == notifications - 1) {
            intake.submit(batch).forEach(r -> assertThat(r.outcome()).isEqualTo(ACCEPTED));
            batch.clear();
          }
        }
        fleet.startAll();
        await().atMost(Duration.ofSeconds(60)).until(fleet::allUp);
        Thread.sleep(2_000); // past the first second's burst of a full bucket
        long fromLength = length(raw, streams);
        long from = System.nanoTime();
        Thread.sleep(window.toMillis());
        long toLength = length(raw, streams);
        double seconds = (System.nanoTime() - from) / 1e9;
        double measured = (toLength - fromLength) / seconds;
        Chaos.report(
            "rate limit, cluster",
            String.format(
                "limit %d routes/s, 16 shards on 3 masters, 2 processes x 4 workers: %.1f routes/s"
                    + " over %.1f s (%+.1f%%)",
                rate, measured, seconds, (measured / rate - 1) * 100));
        assertThat(measured).isBetween(rate * 0.9, rate * 1.1);
        assertThat(toLength).isLessThan(notifications * 10L); // still limited at the end
      }
    }
  }

  private static long length(RedisClusterClient raw, List<String> streams) {
    long n = 0;
    for (String stream : streams) {
      n += raw.exists(stream) ? raw.xlen(stream) : 0;
    }
    return n;
  }
}
