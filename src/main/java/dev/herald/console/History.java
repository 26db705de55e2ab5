package dev.herald.console;

import dev.herald.loop.DaemonTimer;
import dev.herald.store.StatsStore;
import dev.herald.store.StoreSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The last minutes of the overview's charts, sampled every {@link #EVERY} from the store's figures
 * (all processes together): routes published per second and the schedule's lag. Kept in memory; the
 * first page view after a start shows what has been sampled since.
 */
final class History implements AutoCloseable {

  static final Duration EVERY = Duration.ofSeconds(2);
  static final int KEPT = 150; // five minutes
  static final Duration WATCHED = Duration.ofMinutes(10);

  /** One sample. */
  record Point(Instant at, double publishedPerSecond, double lagSeconds) {}

  private final StatsStore stats;
  private final Supplier<List<String>> streams;
  private final Clock clock;
  private final ArrayDeque<Point> points = new ArrayDeque<>();
  private long lastPublished = -1;
  private Instant lastAt;
  private volatile Instant lastViewed;
  private ScheduledExecutorService timer;

  History(StatsStore stats, Supplier<List<String>> streams, Clock clock) {
    this.stats = stats;
    this.streams = streams;
    this.clock = clock;
  }

  synchronized void start() {
    timer = DaemonTimer.named("herald-console-history");
    timer.scheduleWithFixedDelay(this::sample, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Someone looks at the charts: sample for the next {@link #WATCHED}. */
  void viewed() {
    lastViewed = clock.instant();
  }

  private void sample() {
    Instant viewed = lastViewed;
    if (viewed == null || Duration.between(viewed, clock.instant()).compareTo(WATCHED) > 0) {
      return;
    }
    try {
      Instant now = clock.instant();
      StoreSnapshot s = stats.snapshot(now, streams.get());
      record(now, s.counter("published"), s.lag(now).toMillis() / 1000.0);
    } catch (RuntimeException e) {
      // Redis trouble: a gap in the chart, the next sample tries again
    }
  }

  synchronized void record(Instant now, long published, double lag) {
    if (lastPublished >= 0) {
      double seconds = Math.max(0.001, Duration.between(lastAt, now).toMillis() / 1000.0);
      points.addLast(new Point(now, Math.max(0, published - lastPublished) / seconds, lag));
      while (points.size() > KEPT) {
        points.removeFirst();
      }
    }
    lastPublished = published;
    lastAt = now;
  }

  synchronized List<Point> points() {
    return new ArrayList<>(points);
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
