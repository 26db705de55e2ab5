package dev.herald.ops;

import dev.herald.config.Durations;
import dev.herald.publish.PublisherListener;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Liveness: this process is not wedged. Each publishing worker beats whenever it finishes a round,
 * a cycle that went through or one that failed before its back-off, so a worker that backs off from
 * a Redis that is down or frozen (each call ends within {@code redis.timeout}) still beats; only a
 * worker that stopped looping (deadlocked, stuck in a call that never returns, its thread gone)
 * falls silent. Healthy while every worker beat within the window: three times the longer of the
 * poll interval and the Redis timeout, at least a second. While Herald waits for Redis at start it
 * is healthy too: restarting it would not bring Redis back. Whether Redis answers is readiness's
 * question ({@link Readiness}), not this one's. Fed by the loop's listener events; answers from
 * memory, never touching Redis.
 */
public final class Health implements PublisherListener {

  static final Duration MIN_WINDOW = Duration.ofSeconds(1);

  private final Clock clock;
  private final Supplier<Duration> pollInterval;
  private final Supplier<Duration> redisTimeout;
  private final long createdAt;
  private final Map<String, Long> beats = new ConcurrentHashMap<>(); // worker -> last round end
  private volatile long startedAt = -1;
  private volatile long lastSuccess = -1;
  private volatile long lastFailure = -1;
  private volatile String lastError;
  private volatile boolean stopping;

  public Health(Clock clock, Supplier<Duration> pollInterval, Supplier<Duration> redisTimeout) {
    this.clock = clock;
    this.pollInterval = pollInterval;
    this.redisTimeout = redisTimeout;
    this.createdAt = clock.millis();
  }

  /** The publisher loop runs from now on. */
  public void started() {
    startedAt = clock.millis();
  }

  public void stopping() {
    stopping = true;
  }

  @Override
  public void onCycleSucceeded() {
    succeeded(Thread.currentThread().getName());
  }

  @Override
  public void onCycleFailed(RuntimeException error) {
    failed(Thread.currentThread().getName(), error);
  }

  @Override
  public void onWorkerStopped() {
    stopped(Thread.currentThread().getName());
  }

  /** Worker {@code worker} finished a cycle. */
  void succeeded(String worker) {
    long now = clock.millis();
    lastSuccess = now;
    beats.put(worker, now);
  }

  /** Worker {@code worker}'s cycle failed; it backs off now. */
  void failed(String worker, RuntimeException error) {
    long now = clock.millis();
    lastFailure = now;
    lastError = error.getMessage() == null ? error.toString() : error.getMessage();
    beats.put(worker, now);
  }

  /** Worker {@code worker} ended as asked: its silence from now on is no sign of trouble. */
  void stopped(String worker) {
    beats.remove(worker);
  }

  /** How long a worker may go without finishing a round before the process counts as wedged. */
  public Duration window() {
    Duration longer = pollInterval.get();
    if (redisTimeout.get().compareTo(longer) > 0) {
      longer = redisTimeout.get();
    }
    Duration three = longer.multipliedBy(3);
    return three.compareTo(MIN_WINDOW) < 0 ? MIN_WINDOW : three;
  }

  public Check check() {
    long now = clock.millis();
    if (stopping) {
      return Check.failed("stopping");
    }
    if (startedAt < 0) {
      return Check.ok(
          "ok: starting, waiting for Redis for " + ago(now - createdAt) + withError(lastError));
    }
    Duration window = window();
    String silent = null;
    long silentFor = 0;
    for (Map.Entry<String, Long> beat : beats.entrySet()) {
      long quiet = now - Math.max(startedAt, beat.getValue());
      if (quiet > silentFor) {
        silent = beat.getKey();
        silentFor = quiet;
      }
    }
    if (beats.isEmpty()) {
      silentFor = now - startedAt;
    }
    if (silentFor > window.toMillis()) {
      return Check.failed(
          "wedged: "
              + (silent == null
                  ? "no worker has finished a round"
                  : silent + " has not finished a round")
              + " for "
              + ago(silentFor)
              + " (limit "
              + Durations.format(window)
              + ": 3 x the longer of publisher.poll-interval and redis.timeout)"
              + withError(lastError));
    }
    if (lastFailure > lastSuccess) {
      return Check.ok("ok: looping, backing off from Redis" + withError(lastError));
    }
    return Check.ok(
        (lastSuccess < 0 ? "ok: publisher started " : "ok: last publish cycle ")
            + ago(now - Math.max(startedAt, lastSuccess))
            + " ago");
  }

  private static String withError(String error) {
    return error == null ? "" : "; last error: " + error;
  }

  private static String ago(long ms) {
    return ms < 10_000 ? String.format("%.1fs", ms / 1000.0) : (ms / 1000) + "s";
  }
}
