package dev.herald.ops;

import dev.herald.config.Durations;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Readiness: Redis answers a PING within the timeout; the answer names the primary that did. The
 * ping runs on its own thread, so the answer never takes longer than the timeout, whatever the
 * connection pool's own timeouts. A ready answer carries the warnings that do not stop Herald (a
 * volatile-* eviction policy, a skewed host clock), so that whoever reads the body sees them.
 */
final class Readiness implements AutoCloseable {

  private final Duration timeout;
  private volatile BoundedCall<Answer> ping;

  /** Who answered a ping, and how fast. */
  private record Answer(String who, long nanos) {}

  private volatile Supplier<List<String>> warnings = List::of;
  private volatile boolean stopping;

  Readiness(Duration timeout) {
    this.timeout = timeout;
  }

  /**
   * Connected: from now on {@code ping} (a round trip to Redis) decides.
   *
   * @param warnings added to a ready answer, from memory
   */
  void connected(Supplier<String> ping, Supplier<List<String>> warnings) {
    this.warnings = warnings;
    this.ping =
        new BoundedCall<>(
            "herald-ops-ping",
            () -> {
              long start = System.nanoTime();
              String who = ping.get();
              return new Answer(who, System.nanoTime() - start);
            });
  }

  void stopping() {
    stopping = true;
  }

  Check check() {
    if (stopping) {
      return Check.failed("stopping");
    }
    BoundedCall<Answer> call = ping;
    if (call == null) {
      return Check.failed("not connected to Redis yet");
    }
    try {
      Answer answer = call.get(timeout);
      StringBuilder body =
          new StringBuilder(String.format("ready: Redis answered in %.1fms", answer.nanos() / 1e6));
      if (answer.who() != null) {
        body.append(" (").append(answer.who()).append(')');
      }
      warnings.get().forEach(w -> body.append("; warning: ").append(w));
      return Check.ok(body.toString());
    } catch (TimeoutException e) {
      return Check.failed("Redis did not answer within " + Durations.format(timeout));
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      return Check.failed(cause.getMessage() == null ? cause.toString() : cause.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Check.failed("interrupted");
    }
  }

  @Override
  public void close() {
    BoundedCall<Answer> call = ping;
    if (call != null) {
      call.close();
    }
  }
}
