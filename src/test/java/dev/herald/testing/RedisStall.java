package dev.herald.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Makes a private Redis stall as a slow one does (a long script, a fork, a frozen VM), so that a
 * client's command times out while Redis still holds it: {@code DEBUG SLEEP} on a connection of its
 * own. When Redis wakes it runs what it had read, even for clients that gave up.
 */
public final class RedisStall {

  private RedisStall() {}

  /**
   * Puts Redis to sleep for {@code length} and returns once it is asleep, so that the next command
   * a test sends is held. The future completes when Redis is awake again.
   */
  public static CompletableFuture<Void> sleep(RedisServerProcess redis, Duration length) {
    CompletableFuture<Void> awake =
        CompletableFuture.runAsync(
            () -> redis.call("DEBUG", "SLEEP", Double.toString(length.toMillis() / 1000.0)));
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> awake.isDone() || !answersWithin(redis.port(), Duration.ofMillis(100)));
    if (awake.isDone()) {
      awake.join(); // a refused DEBUG SLEEP throws here
      throw new IllegalStateException("Redis woke before the test could use its sleep");
    }
    return awake;
  }

  /** Whether Redis answers a PING within {@code limit}. */
  public static boolean answersWithin(int port, Duration limit) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout((int) limit.toMillis());
      s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      return s.getInputStream().read() > 0;
    } catch (SocketTimeoutException asleep) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
