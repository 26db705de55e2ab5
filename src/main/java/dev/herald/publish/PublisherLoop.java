package dev.herald.publish;

import dev.herald.loop.Backoff;
import dev.herald.loop.StoreFailures;
import dev.herald.loop.Waiter;
import dev.herald.loop.WorkerPool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link PublishCycle}s on worker threads until stopped. A thin shell: a worker goes again at
 * once after a full batch, else sleeps on the {@link Waiter} until the next due time or the poll
 * interval. Errors are caught here, at the top, logged rate-limited, and answered by backing off.
 */
public final class PublisherLoop {

  private static final Logger LOG = LoggerFactory.getLogger(PublisherLoop.class);

  /**
   * The longest pause after failures: Redis refusing writes (READONLY, OOM, LOADING) usually ends
   * all at once, and routes should flow again within a second or two of it.
   */
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

  /**
   * The first claim after a wait takes this many routes at most: the first routes of a burst reach
   * the stream without waiting for a whole batch to be encoded and completed; if it comes back
   * full, the next claims take whole batches.
   */
  static final int FIRST_CLAIM_AFTER_WAIT = 64;

  private final IntFunction<PublishCycle> cycles;
  private final Janitor janitor;
  private final Waiter waiter;
  private final Clock clock;
  private final Supplier<Duration> pollInterval;
  private final PublisherListener listener;
  private final WorkerPool pool;
  private final StoreFailures failures =
      new StoreFailures(
          LOG,
          new Backoff(MAX_BACKOFF),
          new StoreFailures.Terms("publishing", "publish cycle", "", ""));

  /**
   * @param cycles makes the cycle of worker {@code i}; {@code i} counts every worker this loop ever
   *     started, so no two workers share a number
   * @param workers how many workers to start; {@link #resize} changes it
   * @param janitor run by worker 0 between batches
   */
  public PublisherLoop(
      IntFunction<PublishCycle> cycles,
      int workers,
      Janitor janitor,
      Waiter waiter,
      Clock clock,
      Supplier<Duration> pollInterval,
      PublisherListener listener) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1 (was " + workers + ")");
    }
    this.cycles = cycles;
    this.janitor = janitor;
    this.waiter = waiter;
    this.clock = clock;
    this.pollInterval = pollInterval;
    this.listener = listener;
    this.pool = new WorkerPool(workers, i -> "herald-publisher-" + i, this::body, waiter::wakeAll);
  }

  public void start() {
    if (!pool.isRunning()) {
      pool.start();
      LOG.info("publisher started with {} worker(s)", pool.size());
    }
  }

  /**
   * Runs {@code count} workers from now on. New workers start at once; surplus ones (the newest)
   * finish the batch in hand and end. Before {@link #start}, sets how many it starts.
   */
  public synchronized void resize(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("workers must be at least 1 (was " + count + ")");
    }
    int before = pool.size();
    pool.resize(count);
    if (pool.isRunning() && count != before) {
      LOG.info("publisher now runs {} worker(s) (was {})", count, before);
    }
  }

  /** The number of workers it runs (or will run, before {@link #start}). */
  public int workers() {
    return pool.size();
  }

  /**
   * Stops claiming, lets each worker finish the batch in hand, and waits up to {@code grace} for
   * them. Returns false if a worker was still busy when the grace ran out; its routes stay leased
   * and return to the schedule when their lease runs out.
   */
  public boolean stop(Duration grace) {
    List<Thread> busy = pool.stop(grace);
    for (Thread t : busy) {
      LOG.warn(
          "{} still busy after the shutdown grace of {}; its leases will run out",
          t.getName(),
          grace);
    }
    return busy.isEmpty();
  }

  public boolean isRunning() {
    return pool.isRunning();
  }

  /** Worker {@code serial}: its own cycle; worker 0 also keeps house. */
  private WorkerPool.Body body(int serial) {
    PublishCycle cycle = cycles.apply(serial);
    boolean housekeeper = serial == 0;
    return w -> work(w, cycle, housekeeper);
  }

  private void work(WorkerPool.Worker w, PublishCycle cycle, boolean housekeeper) {
    StoreFailures.Streak streak = failures.streak();
    int held = 0; // cycles in a row that left a batch held
    boolean afterWait = true;
    while (w.running()) {
      try {
        PublishCycle.Result result =
            cycle.runOnce(afterWait ? FIRST_CLAIM_AFTER_WAIT : Integer.MAX_VALUE);
        afterWait = false;
        if (housekeeper) {
          janitor.runIfDue();
        }
        streak.succeeded();
        listener.onCycleSucceeded();
        held = result.sinkUnavailable() ? held + 1 : 0;
        if (result.sinkUnavailable()) {
          // The server refuses writes: the batch is held under its lease, and sent again after a
          // short pause (no route is charged for it).
          failures
              .trouble()
              .warn(
                  "sink",
                  "Redis refuses to record the batch ({}); sending it again shortly",
                  result.sinkError());
          w.pause(failures.backoff().after(held));
        } else if (result.onlyDeferred()) {
          // Every route claimed was for a stream that refuses appends: claiming more at once would
          // only defer those too. Wait until its breaker lets a probe through.
          waiter.await(clock.instant().plus(SinkBreaker.FIRST_COOL_DOWN));
          afterWait = true;
        } else if (!result.wasFull()) {
          Instant now = clock.instant();
          Instant deadline = now.plus(pollInterval.get());
          if (result.nextDueAt().isPresent() && result.nextDueAt().get().isBefore(deadline)) {
            deadline = result.nextDueAt().get();
          }
          waiter.await(deadline);
          afterWait = true;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException e) {
        listener.onCycleFailed(e);
        w.pause(streak.failed(e));
      }
    }
    // Not in a finally: a worker that dies of an Error stays silent, which liveness sees.
    listener.onWorkerStopped();
  }
}
