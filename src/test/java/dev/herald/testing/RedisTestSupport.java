package dev.herald.testing;

import dev.herald.config.RedisEndpoint;
import dev.herald.store.ProcessBoard.Heartbeat;
import dev.herald.store.redis.RedisBackend;
import dev.herald.store.redis.RedisRouteStore.RetentionPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import redis.clients.jedis.RedisClient;

/**
 * Connections for integration tests, each on its own namespace of the shared test Redis: Herald's
 * as the shipped ACL's user ({@link TestRedis#asHerald}), the raw client as the administrator.
 */
public final class RedisTestSupport {

  public static final RetentionPolicy RETENTION = new RetentionPolicy(Duration.ofHours(24), 10);

  private RedisTestSupport() {}

  public static RedisEndpoint endpoint(String url) {
    return RedisEndpoint.parse(url, null, Duration.ofSeconds(5));
  }

  public static RedisBackend backend(String namespace, Clock clock) {
    return backend(TestRedis.url(), namespace, clock, RETENTION);
  }

  public static RedisBackend backend(
      String url, String namespace, Clock clock, RetentionPolicy retention) {
    return newestFormat(
        RedisBackend.connect(endpoint(TestRedis.asHerald(url)), namespace, 8, retention, clock));
  }

  /**
   * {@code backend} writing the newest stored format, as a Herald process does once its heartbeat
   * found every running process reading it (ProcessBoard): it beats once, alone on the namespace
   * unless a test put others there, and leaves the board again. The tests so store what a
   * deployment stores once upgraded; a test of the earlier layout, or of the gate, connects without
   * it.
   */
  public static RedisBackend newestFormat(RedisBackend backend) {
    String process = "test-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID();
    Instant now = Instant.now();
    backend
        .processes()
        .beat(
            new Heartbeat(
                process,
                "test",
                ProcessHandle.current().pid(),
                "test",
                0,
                now,
                null,
                0,
                now,
                backend.processes().formatsRead()));
    backend.processes().leave(process);
    return backend;
  }

  /** A plain client for looking at keys directly. */
  public static RedisClient raw() {
    return raw(TestRedis.url());
  }

  public static RedisClient raw(String url) {
    return RedisClient.create(java.net.URI.create(url));
  }
}
