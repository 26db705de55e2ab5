package dev.herald.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationRequest;
import dev.herald.domain.NotificationValidator;
import dev.herald.intake.SubmitResult.Outcome;
import dev.herald.spool.Spool;
import dev.herald.spool.SpoolListener;
import dev.herald.spool.SpoolOptions;
import dev.herald.spool.SpoolReplayer;
import dev.herald.store.NotificationRecord;
import dev.herald.testing.Harness;
import dev.herald.testing.RedisServerProcess;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Intake#withSpool} on a real Redis (stopped and frozen here) and a real spool: concurrent
 * callers share accept calls, a producer's notifications queue behind its spooled ones and only its
 * own, and a busy producer gets back to Redis once Redis answers again.
 */
class SpoolingIntakeIT {

  private static final Duration BUDGET = Duration.ofMillis(300);

  @TempDir Path dir;
  private RedisServerProcess redis;
  private Harness h;
  private Spool spool;
  private Intake base;
  private Intake intake;
  private SpoolReplayer replayer;

  @BeforeEach
  void start() throws Exception {
    // Every write on disk before its reply, so that a kill loses nothing the intake was told of.
    redis =
        RedisServerProcess.start("--save", "", "--appendonly", "yes", "--appendfsync", "always");
    h = Harness.realTime(redis.url());
    spool =
        Spool.open(
            new SpoolOptions(
                dir.resolve("spool"),
                1L << 30,
                SpoolOptions.Fsync.BATCH,
                Duration.ofSeconds(1),
                1L << 20,
                Duration.ofMillis(100),
                10_000,
                100),
            Clock.systemUTC(),
            SpoolListener.NONE);
    base =
        new Intake(
            h.backend.notifications(),
            () -> new NotificationValidator(h.channels.names(), 65_536),
            new NotificationIds(),
            Clock.systemUTC(),
            () -> Duration.ofHours(1));
    intake = base.withSpool(spool, BUDGET);
    replayer = new SpoolReplayer(spool, intake, SpoolListener.NONE);
  }

  @AfterEach
  void stop() {
    replayer.stop(Duration.ofSeconds(2));
    spool.close();
    redis.resume();
    h.close();
    redis.close();
  }

  private static NotificationRequest of(String producer, int seq) {
    return Harness.notification("u-1")
        .producer(producer)
        .payloadJson("{\"seq\":" + seq + "}")
        .build();
  }

  private SubmitResult submit(String producer, int seq) {
    return intake.submit(List.of(of(producer, seq))).get(0);
  }

  @Test
  void many_concurrent_callers_share_accept_calls_and_none_is_spooled_while_redis_answers()
      throws Exception {
    // 64 request threads at once used to be more than the 32 calls the intake let wait for Redis:
    // the rest went to the spool with Redis answering, and their producers stayed there.
    replayer.start();
    Map<Outcome, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 64; t++) {
      String producer = "p" + t;
      Thread thread =
          new Thread(
              () -> {
                for (int i = 0; i < 30; i++) {
                  outcomes
                      .computeIfAbsent(submit(producer, i).outcome(), o -> new AtomicInteger())
                      .incrementAndGet();
                }
              });
      thread.start();
      threads.add(thread);
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(outcomes.keySet()).as("outcomes %s", outcomes).containsExactly(Outcome.ACCEPTED);
    assertThat(outcomes.get(Outcome.ACCEPTED).get()).isEqualTo(64 * 30);
  }

  @Test
  void a_producer_with_spooled_notifications_queues_behind_them_and_the_others_go_to_redis()
      throws Exception {
    // The spool holds one of game's, not replayed yet (no replayer runs).
    SubmitResult first;
    redis.kill();
    first = submit("game", 0);
    assertThat(first.outcome()).isEqualTo(Outcome.SPOOLED);
    redis.startAgain();
    intake.budgeted.answered(); // as the replayer's first success would say

    SubmitResult behind = submit("game", 1);
    assertThat(behind.outcome()).as("behind its spooled one").isEqualTo(Outcome.SPOOLED);
    SubmitResult other = submit("chat", 0);
    assertThat(other.outcome()).as("another producer's: to Redis").isEqualTo(Outcome.ACCEPTED);

    replayer.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> !spool.holdsRecordsOf("game"));
    SubmitResult after = submit("game", 2);
    assertThat(after.outcome()).isEqualTo(Outcome.ACCEPTED);
    // Stored in submission order: the spooled two first, under the ids they were answered with.
    List<String> ids =
        List.of(first.notificationId(), behind.notificationId(), after.notificationId());
    assertThat(ids).isSorted();
    for (String id : ids) {
      NotificationRecord r = h.backend.notifications().find(id).orElseThrow();
      assertThat(r.notification().producer()).isEqualTo("game");
    }
  }

  @Test
  void a_busy_producer_gets_back_to_redis_once_it_answers_again_though_it_never_pauses()
      throws Exception {
    // It used to stay on the spool for as long as it kept sending: the spool never ran empty.
    replayer.start();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicReference<Outcome> last = new AtomicReference<>();
    AtomicInteger seq = new AtomicInteger();
    List<String> ids = new ArrayList<>();
    Thread producer =
        new Thread(
            () -> {
              while (running.get()) {
                SubmitResult r = submit("busy", seq.getAndIncrement());
                last.set(r.outcome());
                if (r.notificationId() != null) {
                  synchronized (ids) {
                    ids.add(r.notificationId());
                  }
                }
              }
            });
    producer.start();
    try {
      await().atMost(Duration.ofSeconds(5)).until(() -> last.get() == Outcome.ACCEPTED);
      redis.kill();
      await().atMost(Duration.ofSeconds(5)).until(() -> last.get() == Outcome.SPOOLED);
      await().during(Duration.ofSeconds(1)).until(() -> last.get() == Outcome.SPOOLED);
      redis.startAgain();
      await().atMost(Duration.ofSeconds(10)).until(() -> last.get() == Outcome.ACCEPTED);
    } finally {
      running.set(false);
      producer.join();
    }
    // Each stored once, in the order submitted.
    await().atMost(Duration.ofSeconds(10)).until(() -> spool.figures().records() == 0);
    List<String> stored = new ArrayList<>();
    for (String id : ids) {
      h.backend.notifications().find(id).ifPresent(r -> stored.add(id));
    }
    assertThat(stored).hasSameSizeAs(ids).isSorted();
  }

  @Test
  void once_redis_did_not_answer_other_producers_go_to_the_spool_without_waiting_out_the_budget()
      throws Exception {
    redis.pause(); // frozen: a call waits for the budget
    long start = System.nanoTime();
    assertThat(submit("first", 0).outcome()).isEqualTo(Outcome.SPOOLED);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(BUDGET);
    start = System.nanoTime();
    for (int p = 0; p < 20; p++) {
      assertThat(submit("other-" + p, 0).outcome()).isEqualTo(Outcome.SPOOLED);
    }
    // One probe per 250 ms may wait out the budget; the rest go to the spool at once.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
    redis.resume();
  }
}
