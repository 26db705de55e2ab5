package dev.herald.store.redis;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.config.RedisEndpoint;
import dev.herald.domain.Notification;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationRequest;
import dev.herald.store.AcceptResult;
import dev.herald.store.NotificationStore;
import dev.herald.store.StoreOutcomeUnknownException;
import dev.herald.store.StoreUnavailableException;
import dev.herald.testing.MutableClock;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.RedisStall;
import dev.herald.testing.RedisTestSupport;
import dev.herald.testing.TestRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * A reply that never comes is not "nothing written": on a private Redis put to sleep (DEBUG SLEEP)
 * longer than the client timeout, Redis runs the command after the client gave up. The store says
 * so ({@link StoreOutcomeUnknownException}), and accepting the same notification again stores it
 * once.
 */
class LostReplyStoreIT {

  private static RedisServerProcess redis;
  private static RedisClient raw;
  private final MutableClock clock = MutableClock.atNoon();
  private final String namespace = TestRedis.namespace();
  private final RedisKeys keys = new RedisKeys(namespace);

  @BeforeAll
  static void start() {
    redis = RedisServerProcess.start();
    raw = RedisTestSupport.raw(redis.url());
  }

  @AfterAll
  static void stop() {
    raw.close();
    redis.close();
  }

  private RedisBackend backend(String url, Duration timeout) {
    return RedisBackend.connect(
        RedisEndpoint.parse(url, null, timeout), namespace, 4, RedisTestSupport.RETENTION, clock);
  }

  /** A notification with its id fixed, as the intake fixes it before sending. */
  private Notification withId(NotificationRequest request) {
    Instant now = clock.instant();
    return request.toNotification(new NotificationIds().next(now), now);
  }

  private long counter(String name) {
    String v = raw.hget(keys.stats(), name);
    return v == null ? 0 : Long.parseLong(v);
  }

  @Test
  void a_reply_lost_to_a_timeout_is_an_unknown_outcome_and_redis_ran_the_command_after_all() {
    try (RedisBackend backend = backend(redis.url(), Duration.ofMillis(500))) {
      Notification n = withId(notification("u-1").build());
      CompletableFuture<Void> awake = RedisStall.sleep(redis, Duration.ofMillis(1500));

      assertThatThrownBy(
              () -> backend.notifications().accept(List.of(n), clock.instant(), Duration.ZERO))
          .isInstanceOf(StoreOutcomeUnknownException.class)
          .isInstanceOf(StoreUnavailableException.class) // what existing catchers see
          .hasMessageContaining("Read timed out")
          .hasMessageContaining("may have run");

      awake.join();
      await().atMost(Duration.ofSeconds(5)).until(() -> raw.exists(keys.notification(n.id())));
      assertThat(counter("notifications_accepted")).isEqualTo(1);
    }
  }

  @Test
  void a_refused_connection_is_unavailability_with_nothing_sent() {
    int nothingListens = RedisServerProcess.freePort();
    assertThatThrownBy(() -> backend("redis://127.0.0.1:" + nothingListens, Duration.ofMillis(300)))
        .isInstanceOf(StoreUnavailableException.class)
        .isNotInstanceOf(StoreOutcomeUnknownException.class);
  }

  @Test
  void accepting_the_same_notifications_again_after_a_lost_reply_stores_them_once() {
    try (RedisBackend backend = backend(redis.url(), Duration.ofMillis(500))) {
      NotificationStore store = backend.notifications();
      Notification keyed = withId(notification("u-1", "u-2").idempotencyKey("turn-42").build());
      Notification plain = withId(notification("u-3").build());
      CompletableFuture<Void> awake = RedisStall.sleep(redis, Duration.ofMillis(1500));
      assertThatThrownBy(
              () -> store.accept(List.of(keyed, plain), clock.instant(), Duration.ofHours(1)))
          .isInstanceOf(StoreOutcomeUnknownException.class);
      awake.join();

      List<AcceptResult> again =
          store.accept(List.of(keyed, plain), clock.instant(), Duration.ofHours(1));

      assertThat(again)
          .containsExactly(
              new AcceptResult(keyed.id(), AcceptResult.Status.ALREADY_STORED),
              new AcceptResult(plain.id(), AcceptResult.Status.ALREADY_STORED));
      assertThat(counter("notifications_accepted")).isEqualTo(2);
      assertThat(counter("routes_accepted")).isEqualTo(3);
      assertThat(raw.hget(keys.typeFigures(), "pending:game.turn_ready")).isEqualTo("3");
      assertThat(raw.zcard(keys.schedule())).isEqualTo(2);
    }
  }

  @Test
  void the_same_id_with_another_record_is_still_refused() {
    try (RedisBackend backend = backend(redis.url(), Duration.ofSeconds(5))) {
      Notification first = withId(notification("u-1").build());
      backend.notifications().accept(List.of(first), clock.instant(), Duration.ZERO);
      Notification other = notification("u-9").build().toNotification(first.id(), clock.instant());

      assertThatThrownBy(
              () -> backend.notifications().accept(List.of(other), clock.instant(), Duration.ZERO))
          .hasMessageContaining(first.id() + " is already in use");
      assertThat(counter("notifications_accepted")).isEqualTo(1);
    }
  }
}
