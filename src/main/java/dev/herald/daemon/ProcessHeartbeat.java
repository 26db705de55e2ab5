package dev.herald.daemon;

import dev.herald.logging.RateLimitedLog;
import dev.herald.loop.DaemonTimer;
import dev.herald.publish.PublisherListener;
import dev.herald.publish.RouteInfo;
import dev.herald.store.ProcessBoard;
import dev.herald.store.ProcessBoard.Heartbeat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * This process's heartbeat in the store ({@link ProcessBoard}), every {@link ProcessBoard#EVERY}:
 * host, pid, version, workers, when it started, when a publish cycle last finished and the routes
 * it published per second since the last beat, and the highest stored format it reads (its reply
 * moves this process to a newer one once every process reads it; {@link StoredFormatLog} says so).
 * Told of publishes as a {@link PublisherListener}; removed from the board when the process stops,
 * and gone by itself ({@link ProcessBoard#TTL}) when it dies.
 */
final class ProcessHeartbeat implements PublisherListener, AutoCloseable {

  private final ProcessBoard board;
  private final Clock clock;
  private final IntSupplier workers;
  private final RateLimitedLog trouble;
  private final String process = ProcessNames.leaseTag();
  private final Instant started;
  private final StoredFormatLog formats = new StoredFormatLog();
  private final AtomicLong published = new AtomicLong();
  private volatile Instant lastCycle;
  private long publishedAtLastBeat;
  private Instant lastBeat;
  private ScheduledExecutorService timer;

  ProcessHeartbeat(ProcessBoard board, Clock clock, IntSupplier workers, RateLimitedLog trouble) {
    this.board = board;
    this.clock = clock;
    this.workers = workers;
    this.trouble = trouble;
    this.started = clock.instant();
    this.lastBeat = started;
  }

  @Override
  public void onPublished(RouteInfo route, Duration lag) {
    published.incrementAndGet();
  }

  @Override
  public void onCycleSucceeded() {
    lastCycle = clock.instant();
  }

  /** Beats now and every {@link ProcessBoard#EVERY} on a daemon thread. */
  synchronized void start() {
    timer = DaemonTimer.named("herald-heartbeat");
    long ms = ProcessBoard.EVERY.toMillis();
    timer.scheduleWithFixedDelay(this::beat, 0, ms, TimeUnit.MILLISECONDS);
  }

  private synchronized void beat() {
    Instant now = clock.instant();
    long total = published.get();
    double seconds = Math.max(0.001, Duration.between(lastBeat, now).toMillis() / 1000.0);
    double rate = (total - publishedAtLastBeat) / seconds;
    try {
      ProcessBoard.Beat reply =
          board.beat(
              new Heartbeat(
                  process,
                  ProcessNames.host(),
                  ProcessHandle.current().pid(),
                  Daemon.version(),
                  workers.getAsInt(),
                  started,
                  lastCycle,
                  Math.round(rate * 10) / 10.0,
                  now,
                  board.formatsRead()));
      formats.told(reply);
      publishedAtLastBeat = total;
      lastBeat = now;
    } catch (RuntimeException e) { // Redis trouble: the next beat tries again
      trouble.warn("heartbeat", "writing this process's heartbeat failed: {}", e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
      try {
        board.leave(process);
      } catch (RuntimeException e) {
        // gone after its TTL anyway
      }
    }
  }
}
