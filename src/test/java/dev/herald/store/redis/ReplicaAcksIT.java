package dev.herald.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.herald.config.DurabilitySettings;
import dev.herald.config.RedisEndpoint;
import dev.herald.intake.SubmitResult;
import dev.herald.testing.Harness;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.RedisTestSupport;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * {@code durability.replicas}: each state-changing batch WAITs for the replicas on its own
 * connection, in the same round trip. A batch a frozen replica does not acknowledge in time is
 * counted (for the metric and {@code herald stats}) and logged, not undone.
 */
class ReplicaAcksIT {

  @Test
  void a_batch_the_replica_did_not_acknowledge_in_time_is_counted_and_logged() throws Exception {
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    Logger acksLog = (Logger) LoggerFactory.getLogger(ReplicaAcks.class);
    log.start();
    acksLog.addAppender(log);
    try (RedisServerProcess primary = RedisServerProcess.start();
        RedisServerProcess replica =
            RedisServerProcess.start(
                "--replicaof", "127.0.0.1", Integer.toString(primary.port()))) {
      awaitInSync(replica);
      RedisEndpoint endpoint =
          RedisTestSupport.endpoint(primary.url())
              .withDurability(new DurabilitySettings(1, Duration.ofMillis(200)));
      try (Harness h = Harness.realTime(endpoint, primary.url())) {
        h.submit(Harness.notification("u-1").build());
        assertThat(h.backend.primary().unacknowledgedBatches()).isZero();
        assertThat(h.drain(h.cycle("w", Harness.settings(10, 5)))).isEqualTo(1);
        assertThat(h.backend.primary().unacknowledgedBatches()).isZero();

        // A frozen replica acknowledges nothing: were the WAIT sent on another connection (one
        // with no writes of its own), it would count the replica at once.
        replica.pause();
        try {
          long start = System.nanoTime();
          List<SubmitResult> results =
              h.intake().submit(List.of(Harness.notification("u-2").build()));
          assertThat(results.get(0).outcome()).isEqualTo(SubmitResult.Outcome.ACCEPTED);
          assertThat(Duration.ofNanos(System.nanoTime() - start))
              .isGreaterThanOrEqualTo(Duration.ofMillis(190));
          assertThat(h.drain(h.cycle("w", Harness.settings(10, 5)))).isEqualTo(1);
        } finally {
          replica.resume();
        }
        assertThat(h.backend.primary().unacknowledgedBatches()).isEqualTo(2);
        assertThat(h.raw.hget(h.keys.stats(), ReplicaAcks.STATS_FIELD)).isEqualTo("2");
        assertThat(h.streamFields()).hasSize(2);
        assertThat(log.list)
            .anySatisfy(
                e -> {
                  assertThat(e.getLevel()).isEqualTo(Level.WARN);
                  assertThat(e.getFormattedMessage())
                      .contains(
                          "acknowledged by 0 of 1 replica(s) within durability.replica-timeout 200ms");
                });
        assertThat(log.list).as("rate-limited: one line for both").hasSize(1);
      }
    } finally {
      acksLog.detachAppender(log);
    }
  }

  @Test
  void a_script_the_server_lost_is_loaded_again_on_the_waiting_path() throws Exception {
    try (RedisServerProcess primary = RedisServerProcess.start();
        RedisServerProcess replica =
            RedisServerProcess.start(
                "--replicaof", "127.0.0.1", Integer.toString(primary.port()))) {
      awaitInSync(replica);
      RedisEndpoint endpoint =
          RedisTestSupport.endpoint(primary.url())
              .withDurability(new DurabilitySettings(1, Duration.ofSeconds(1)));
      try (Harness h = Harness.realTime(endpoint, primary.url())) {
        primary.call("SCRIPT", "FLUSH");
        h.submit(Harness.notification("u-1", "u-2").build());
        assertThat(h.drain(h.cycle("w", Harness.settings(10, 5)))).isEqualTo(2);
        assertThat(h.backend.primary().unacknowledgedBatches()).isZero();
      }
    }
  }

  @Test
  void a_primary_turned_replica_is_a_server_refusal_not_a_failed_wait() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      RedisEndpoint endpoint =
          RedisTestSupport.endpoint(redis.url())
              .withDurability(new DurabilitySettings(1, Duration.ofMillis(100)));
      try (Harness h = Harness.realTime(endpoint, redis.url())) {
        redis.call("REPLICAOF", "127.0.0.1", Integer.toString(RedisServerProcess.freePort()));
        // The script is refused READONLY and WAIT "cannot be used with replica instances": the
        // first is what counts, a server refusal to be sent again, not a reply error.
        List<SubmitResult> results =
            h.intake().submit(List.of(Harness.notification("u-1").build()));
        assertThat(results.get(0).outcome()).isEqualTo(SubmitResult.Outcome.UNAVAILABLE);
      }
    }
  }

  private static void awaitInSync(RedisServerProcess replica) {
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> {
              try (Jedis r = new Jedis(new HostAndPort("127.0.0.1", replica.port()))) {
                return r.info("replication").contains("master_link_status:up");
              }
            });
  }
}
