package dev.herald.outbox;

import dev.herald.logging.RateLimitedLog;
import dev.herald.loop.Backoff;
import dev.herald.loop.Waiter;
import dev.herald.loop.WorkerPool;
import java.time.Clock;
import java.time.Duration;
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
  private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(5));

  private final List<RelayCycle> cycles;
  private final Waiter waiter;
  private final Clock clock;
  private final Supplier<Duration> pollInterval;
  private final OutboxListener listener;
  private final RateLimitedLog troubleLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  private final WorkerPool pool;

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
    this.pool =
        new WorkerPool(
            this.cycles.size(),
            i -> "herald-outbox-" + i,
            i -> w -> work(w, this.cycles.get(i)),
            waiter::wakeAll);
  }

  void start() {
    pool.start();
  }

  /**
   * Stops taking batches and waits up to {@code grace} for the ones in hand to commit. A batch
   * still running then is abandoned: closing the pool rolls it back and its rows stay pending.
   */
  boolean stop(Duration grace) {
    boolean all = pool.stop(grace).isEmpty();
    if (!all) {
      LOG.warn("outbox relay still busy after the shutdown grace; its batch rolls back");
    }
    return all;
  }

  boolean isRunning() {
    return pool.isRunning();
  }

  private void work(WorkerPool.Worker w, RelayCycle cycle) {
    int failures = 0;
    while (w.running()) {
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
          w.pause(BACKOFF.after(failures));
        } else if (!report.full()) {
          waiter.await(clock.instant().plus(pollInterval.get()));
        }
      } catch (OutboxUnavailableException e) {
        failures = failed(w, e, failures, "outbox:unavailable", "outbox relay: {}; backing off");
      } catch (OutboxSetupException e) {
        failures = failed(w, e, failures, "outbox:setup", "outbox relay cannot work: {}");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        failures =
            failed(w, e, failures, "outbox:" + e.getClass().getSimpleName(), "outbox relay: {}");
      }
    }
  }

  private int failed(
      WorkerPool.Worker w, RuntimeException e, int failures, String key, String format) {
    listener.onCycleFailed(e);
    if (e instanceof OutboxUnavailableException) {
      troubleLog.warn(key, format, e.getMessage());
    } else {
      troubleLog.error(key, format, e.getMessage(), e instanceof OutboxSetupException ? null : e);
    }
    int now = failures + 1;
    w.pause(e instanceof OutboxSetupException ? BACKOFF.max() : BACKOFF.after(now));
    return now;
  }
}
