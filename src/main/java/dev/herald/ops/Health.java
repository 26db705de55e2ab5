package dev.herald.ops;

import dev.herald.config.Durations;
import dev.herald.publish.PublisherListener;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Liveness from the publisher's progress: healthy while some worker finished a publish cycle (with
 * or without work) within three poll intervals, at least one second. An idle worker still finishes
 * a cycle every poll interval, so silence means the workers are stuck, e.g. on a Redis that does
 * not answer. Fed by the loop's listener events; answers from memory, never touching Redis.
 */
public final class Health implements PublisherListener {

  static final Duration MIN_WINDOW = Duration.ofSeconds(1);

  private final Clock clock;
  private final Supplier<Duration> pollInterval;
  private final long createdAt;
  private volatile long startedAt = -1;
  private volatile long lastSuccess = -1;
  private volatile String lastError;
  private volatile boolean stopping;

  public Health(Clock clock, Supplier<Duration> pollInterval) {
    this.clock = clock;
    this.pollInterval = pollInterval;
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
    lastSuccess = clock.millis();
  }

  @Override
  public void onCycleFailed(RuntimeException error) {
    lastError = error.getMessage() == null ? error.toString() : error.getMessage();
  }

  /** How long without progress makes the loop count as stuck. */
  public Duration window() {
    Duration three = pollInterval.get().multipliedBy(3);
    return three.compareTo(MIN_WINDOW) < 0 ? MIN_WINDOW : three;
  }

  public Check check() {
    long now = clock.millis();
    if (stopping) {
      return Check.failed("stopping");
    }
    if (startedAt < 0) {
      return Check.failed(
          "starting: waiting for Redis for " + ago(now - createdAt) + withError(lastError));
    }
    long since = Math.max(startedAt, lastSuccess);
    Duration window = window();
    if (now - since <= window.toMillis()) {
      return Check.ok(
          (lastSuccess < 0 ? "ok: publisher started " : "ok: last publish cycle ")
              + ago(now - since)
              + " ago");
    }
    return Check.failed(
        "stuck: no publish cycle finished for "
            + ago(now - since)
            + " (limit "
            + Durations.format(window)
            + ", 3 poll intervals)"
            + withError(lastError));
  }

  private static String withError(String error) {
    return error == null ? "" : "; last error: " + error;
  }

  private static String ago(long ms) {
    return ms < 10_000 ? String.format("%.1fs", ms / 1000.0) : (ms / 1000) + "s";
  }
}
