package dev.herald.outbox;

import dev.herald.publish.RateLimitedLog;
import dev.herald.publish.Waiter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link RelayCycle}s on a few threads until stopped. A thin shell: a full batch is followed
 * by the next at once; otherwise a worker waits until {@code NOTIFY} wakes it or the poll interval
 * passes. Errors are caught here, logged rate-limited and answered by backing off.
 */
final class RelayLoop {

  private static final Logger LOG = LoggerFactory.getLogger(RelayLoop.class);
  private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final List<RelayCycle> cycles;
  private final Waiter waiter;
  private final Clock clock;
  private final Supplier<Duration> pollInterval;
  private final OutboxListener listener;
  private final RateLimitedLog troubleLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;

  RelayLoop(
      List<RelayCycle> cycles,
      Waiter waiter,
      Clock clock,
      Supplier<Duration> pollInterval,
      OutboxListener listener) {
    this.cycles = List.copyOf(cycles);
    this.waiter = waiter;
    this.clock = clock;
    this.pollInterval = pollInterval;
    this.listener = listener;
  }

  synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    for (int i = 0; i < cycles.size(); i++) {
      int worker = i;
      Thread t = new Thread(() -> work(worker), "herald-outbox-" + i);
      threads.add(t);
      t.start();
    }
  }

  /**
   * Stops taking batches and waits up to {@code grace} for the ones in hand to commit. A batch
   * still running then is abandoned: closing the pool rolls it back and its rows stay pending.
   */
  boolean stop(Duration grace) {
    List<Thread> stopping;
    synchronized (this) {
      running = false;
      stopping = List.copyOf(threads);
      threads.clear();
    }
    waiter.wakeAll();
    long end = System.nanoTime() + grace.toNanos();
    boolean all = true;
    for (Thread t : stopping) {
      try {
        t.join(Math.max(1, (end - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      all &= !t.isAlive();
    }
    if (!all) {
      LOG.warn("outbox relay still busy after the shutdown grace; its batch rolls back");
    }
    return all;
  }

  boolean isRunning() {
    return running;
  }

  private void work(int worker) {
    RelayCycle cycle = cycles.get(worker);
    int failures = 0;
    while (running) {
      try {
        RelayCycle.Report report = cycle.runOnce();
        if (failures > 0) {
          LOG.info("outbox relay resumed after {} failed round(s)", failures);
          troubleLog.resetAll("outbox");
          failures = 0;
        }
        if (report.heraldUnavailable()) {
          failures++;
          troubleLog.warn(
              "outbox:herald",
              "outbox relay: Herald's Redis did not take the batch; its rows stay pending and are"
                  + " retried (failure {} in a row)",
              failures);
          pause(backoff(failures));
        } else if (!report.full()) {
          waiter.await(clock.instant().plus(pollInterval.get()));
        }
      } catch (OutboxUnavailableException e) {
        failures = failed(e, failures, "outbox:unavailable", "outbox relay: {}; backing off");
      } catch (OutboxSetupException e) {
        failures = failed(e, failures, "outbox:setup", "outbox relay cannot work: {}");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        failures =
            failed(e, failures, "outbox:" + e.getClass().getSimpleName(), "outbox relay: {}");
      }
    }
  }

  private int failed(RuntimeException e, int failures, String key, String format) {
    listener.onCycleFailed(e);
    if (e instanceof OutboxUnavailableException) {
      troubleLog.warn(key, format, e.getMessage());
    } else {
      troubleLog.error(key, format, e.getMessage(), e instanceof OutboxSetupException ? null : e);
    }
    int now = failures + 1;
    pause(e instanceof OutboxSetupException ? MAX_BACKOFF : backoff(now));
    return now;
  }

  private static Duration backoff(int failures) {
    long ms = MIN_BACKOFF.toMillis() << Math.min(failures - 1, 16);
    return Duration.ofMillis(Math.min(ms, MAX_BACKOFF.toMillis()));
  }

  /** A pause that {@link #stop} ends early. */
  private void pause(Duration d) {
    try {
      long end = System.nanoTime() + d.toNanos();
      while (running && System.nanoTime() < end) {
        waiter.await(clock.instant().plusNanos(end - System.nanoTime()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
