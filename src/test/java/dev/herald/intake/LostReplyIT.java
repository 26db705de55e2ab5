package dev.herald.intake;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.config.RedisEndpoint;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationValidator;
import dev.herald.intake.SubmitResult.Outcome;
import dev.herald.store.IntakeSnapshot;
import dev.herald.store.Intent;
import dev.herald.store.IntentDecision;
import dev.herald.store.IntentResult;
import dev.herald.store.IntentStream;
import dev.herald.store.RejectedIntent;
import dev.herald.store.StoreOutcomeUnknownException;
import dev.herald.store.StoreUnavailableException;
import dev.herald.store.redis.RedisBackend;
import dev.herald.testing.Harness;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.RedisStall;
import dev.herald.testing.RedisTestSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;

/**
 * Replies that never come, on a private Redis made slow (DEBUG SLEEP, CLIENT PAUSE) or refusing for
 * a moment (OOM) while Herald's client timeout is short: a submission is sent again with the same
 * ids and stored once, an outcome that stays unknown is reported as unknown with its id, and the
 * intents of a failed settle are settled exactly once, soon, from the consumer's pending entries.
 */
class LostReplyIT {

  private static RedisServerProcess redis;
  private Harness h;
  private RedisBackend slowClient;

  @BeforeAll
  static void start() {
    redis = RedisServerProcess.start();
  }

  @AfterAll
  static void stop() {
    redis.close();
  }

  @AfterEach
  void close() {
    if (slowClient != null) {
      slowClient.close();
    }
    if (h != null) {
      h.close();
    }
  }

  /**
   * A harness on the private Redis (its clock stands still: no take-over pass falls due after the
   * first round), and a client of its namespace with a short timeout.
   */
  private void connect(Duration timeout) {
    h = new Harness(redis.url(), RedisTestSupport.RETENTION, 1_000_000);
    slowClient =
        RedisBackend.connect(
            RedisEndpoint.parse(redis.url(), null, timeout),
            h.namespace,
            4,
            RedisTestSupport.RETENTION,
            h.clock);
  }

  private Intake intake() {
    return new Intake(
        slowClient.notifications(),
        () -> new NotificationValidator(h.channels.names(), 65_536),
        new NotificationIds(),
        h.clock,
        () -> Duration.ofHours(24));
  }

  private long counter(String name) {
    String v = h.raw.hget(h.keys.stats(), name);
    return v == null ? 0 : Long.parseLong(v);
  }

  private List<String> publishedRecipients() {
    h.drain(h.cycle("w", Harness.settings(1000, 5)));
    return h.streamFields().stream().map(f -> f.get("user_id")).toList();
  }

  @Test
  void a_submission_whose_reply_is_lost_is_sent_again_with_the_same_id_and_stored_once() {
    // Redis runs the first call after the client gave up at 1 s; the repeat finds it stored.
    connect(Duration.ofSeconds(1));
    CompletableFuture<Void> awake = RedisStall.sleep(redis, Duration.ofMillis(1500));

    List<SubmitResult> results =
        intake().submit(List.of(notification("u-1", "u-2").build(), notification("u-3").build()));
    awake.join();

    assertThat(results).extracting(SubmitResult::outcome).containsOnly(Outcome.ACCEPTED);
    assertThat(counter("notifications_accepted")).isEqualTo(2);
    assertThat(h.raw.zcard(h.keys.schedule())).isEqualTo(2);
    for (SubmitResult r : results) {
      assertThat(h.raw.exists(h.keys.notification(r.notificationId()))).isTrue();
    }
    assertThat(publishedRecipients()).containsExactlyInAnyOrder("u-1", "u-2", "u-3");
  }

  @Test
  void a_submission_on_a_connection_redis_closed_while_idle_is_accepted_once() {
    // The pooled connection looks alive until the reply is read: "Unexpected end of stream".
    connect(Duration.ofSeconds(1));
    redis.call("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");

    List<SubmitResult> results = intake().submit(List.of(notification("u-1").build()));

    assertThat(results).extracting(SubmitResult::outcome).containsExactly(Outcome.ACCEPTED);
    try (RedisClient fresh = RedisTestSupport.raw(redis.url())) { // the harness's were killed too
      assertThat(fresh.hget(h.keys.stats(), "notifications_accepted")).isEqualTo("1");
      assertThat(fresh.zrange(h.keys.schedule(), 0, -1))
          .containsExactly(results.get(0).notificationId() + ":0-0");
    }
  }

  @Test
  void a_submission_that_gets_no_reply_even_to_its_repeats_is_unknown_with_the_id_it_was_sent_as() {
    connect(Duration.ofMillis(400));
    CompletableFuture<Void> awake = RedisStall.sleep(redis, Duration.ofSeconds(4));

    List<SubmitResult> results =
        intake().submit(List.of(notification("u-1").build(), notification("u-2").build()));

    assertThat(results).extracting(SubmitResult::outcome).containsOnly(Outcome.UNKNOWN);
    assertThat(results).allSatisfy(r -> assertThat(r.notificationId()).hasSize(26));
    assertThat(results.get(0).errors())
        .singleElement()
        .satisfies(e -> assertThat(e.reason()).contains("may have run"));
    // Redis ran it when it woke: looking the reported id up tells the truth.
    awake.join();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                h.backend.notifications().find(results.get(0).notificationId()).isPresent()
                    && h.backend.notifications().find(results.get(1).notificationId()).isPresent());
    assertThat(counter("notifications_accepted")).isEqualTo(2);
  }

  // ---------------------------------------------------------------------------------------------
  // The intents stream

  private IntentStream intents(RedisBackend on) {
    String stream = h.namespace + ":intents";
    return on.intents(
        new IntentStream.Names(stream, "herald", stream + ":rejected", 1000), Duration.ZERO);
  }

  private void xadd(String recipient) {
    h.raw.xadd(h.namespace + ":intents", StreamEntryID.NEW_ENTRY, intent(recipient));
  }

  /**
   * Appends one intent per recipient in one transaction: a fault the loop injects as soon as it
   * reads the first (an OOM) cannot refuse the test's own later appends.
   */
  private void xaddAtOnce(String... recipients) {
    try (AbstractTransaction tx = h.raw.multi()) {
      for (String r : recipients) {
        tx.xadd(h.namespace + ":intents", StreamEntryID.NEW_ENTRY, intent(r));
      }
      tx.exec();
    }
  }

  private static Map<String, String> intent(String recipient) {
    return Map.of(
        "intent",
        "{\"type\":\"game.turn_ready\",\"producer\":\"game-engine\",\"recipients\":[\""
            + recipient
            + "\"],\"channels\":[\"push\"]}");
  }

  private IntakeCycle cycle(IntentStream stream) {
    return new IntakeCycle(
        stream,
        () ->
            new IntakeCycle.Settings(
                100,
                Duration.ofSeconds(30),
                Duration.ofHours(24),
                new NotificationValidator(h.channels.names(), 65_536)),
        new NotificationIds(),
        h.clock,
        IntakeListener.NONE,
        "herald-1");
  }

  private long pendingIntents() {
    return h.raw.xpending(h.namespace + ":intents", "herald").getTotal();
  }

  /** Runs rounds as the intake loop would, Redis trouble included, until no intent is pending. */
  private void settleAll(IntakeCycle cycle) {
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              try {
                cycle.runOnce(Duration.ZERO);
              } catch (StoreUnavailableException stillPausedOrAsleep) {
                // the loop backs off and goes again
              }
              return pendingIntents() == 0;
            });
  }

  @Test
  void a_settle_whose_reply_is_lost_settles_each_intent_exactly_once() {
    // No take-over pass falls due (the clock stands still): only the consumer's own re-read helps.
    connect(Duration.ofMillis(500));
    IntentStream real = intents(slowClient);
    real.createGroup();
    for (int i = 0; i < 3; i++) {
      xadd("u-" + i);
    }
    IntakeCycle cycle =
        cycle(new FaultBeforeSettle(real, () -> RedisStall.sleep(redis, Duration.ofMillis(1500))));

    assertThatThrownBy(() -> cycle.runOnce(Duration.ZERO))
        .isInstanceOf(StoreOutcomeUnknownException.class);
    settleAll(cycle);

    assertThat(counter("notifications_accepted")).isEqualTo(3);
    assertThat(counter("intents_acknowledged")).isEqualTo(3);
    assertThat(h.raw.xlen(h.namespace + ":intents")).isZero();
    assertThat(publishedRecipients()).containsExactlyInAnyOrder("u-0", "u-1", "u-2");
  }

  @Test
  void a_settle_redis_never_ran_is_settled_again_from_the_pending_entries_without_a_take_over() {
    // CLIENT PAUSE WRITE holds the settle; the client gives up, and Redis drops it unrun. The
    // entries stay pending with this consumer, which a '>' read never hands out again.
    connect(Duration.ofMillis(500));
    IntentStream real = intents(slowClient);
    real.createGroup();
    for (int i = 0; i < 3; i++) {
      xadd("u-" + i);
    }
    IntakeCycle cycle =
        cycle(new FaultBeforeSettle(real, () -> redis.call("CLIENT", "PAUSE", "1500", "WRITE")));

    assertThatThrownBy(() -> cycle.runOnce(Duration.ZERO))
        .isInstanceOf(StoreOutcomeUnknownException.class);
    assertThat(pendingIntents()).isEqualTo(3);
    settleAll(cycle);

    assertThat(counter("notifications_accepted")).isEqualTo(3);
    assertThat(publishedRecipients()).containsExactlyInAnyOrder("u-0", "u-1", "u-2");
  }

  @Test
  void a_settle_that_fails_once_is_settled_within_two_seconds_not_after_claim_idle() {
    // A transient OOM refuses the settle (nothing written, a plain failure); claim-idle is 30 s.
    connect(Duration.ofSeconds(2));
    IntentStream real = intents(slowClient);
    IntentStream faulty =
        new FaultBeforeSettle(real, () -> redis.call("CONFIG", "SET", "maxmemory", "1")) {
          @Override
          void afterFault() {
            redis.call("CONFIG", "SET", "maxmemory", "0");
          }
        };
    IntakeLoop loop = new IntakeLoop(faulty, cycle(faulty), Duration.ofMillis(100));
    loop.start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> h.raw.exists(h.namespace + ":intents"));
      xaddAtOnce("u-1", "u-2");
      await().atMost(Duration.ofSeconds(5)).until(((FaultBeforeSettle) faulty).faulted::get);
      long failedAt = System.nanoTime();

      await().atMost(Duration.ofSeconds(2)).until(() -> counter("notifications_accepted") == 2);

      assertThat(Duration.ofNanos(System.nanoTime() - failedAt)).isLessThan(Duration.ofSeconds(2));
      assertThat(pendingIntents()).isZero();
    } finally {
      loop.stop(Duration.ofSeconds(5));
    }
    assertThat(publishedRecipients()).containsExactlyInAnyOrder("u-1", "u-2");
  }

  /**
   * The real intents stream, with a fault injected just before its first settle (after the read):
   * Redis put to sleep, paused, or out of memory for that one call.
   */
  static class FaultBeforeSettle implements IntentStream {
    private final IntentStream real;
    private final Runnable fault;
    final AtomicBoolean faulted = new AtomicBoolean();

    FaultBeforeSettle(IntentStream real, Runnable fault) {
      this.real = real;
      this.fault = fault;
    }

    /** Undoes the fault once the faulty settle is over. */
    void afterFault() {}

    @Override
    public List<IntentResult> settle(
        List<IntentDecision> decisions, Instant now, Duration idempotencyWindow) {
      if (!faulted.get()) {
        fault.run();
        try {
          return real.settle(decisions, now, idempotencyWindow);
        } finally {
          afterFault();
          faulted.set(true);
        }
      }
      return real.settle(decisions, now, idempotencyWindow);
    }

    @Override
    public void createGroup() {
      real.createGroup();
    }

    @Override
    public List<Intent> read(String consumer, int max, Duration block) {
      return real.read(consumer, max, block);
    }

    @Override
    public List<Intent> readPending(String consumer, int max) {
      return real.readPending(consumer, max);
    }

    @Override
    public ClaimedIntents claimIdle(String consumer, Duration minIdle, int max, String cursor) {
      return real.claimIdle(consumer, minIdle, max, cursor);
    }

    @Override
    public List<RejectedIntent> rejected(String before, int limit) {
      return real.rejected(before, limit);
    }

    @Override
    public IntakeSnapshot snapshot() {
      return real.snapshot();
    }
  }
}
