package dev.herald.publish;

import dev.herald.store.StoreAccessDeniedException;
import dev.herald.store.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
  private static final Duration MIN_BACKOFF = Duration.ofMillis(100);

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
  private final RateLimitedLog troubleLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  private final List<Worker> workers = new ArrayList<>();
  private int target;
  private int nextSerial;
  private volatile boolean running;

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
    this.target = workers;
    this.janitor = janitor;
    this.waiter = waiter;
    this.clock = clock;
    this.pollInterval = pollInterval;
    this.listener = listener;
  }

  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    for (int i = 0; i < target; i++) {
      spawn();
    }
    LOG.info("publisher started with {} worker(s)", target);
  }

  /**
   * Runs {@code count} workers from now on. New workers start at once; surplus ones (the newest)
   * finish the batch in hand and end. Before {@link #start}, sets how many it starts.
   */
  public synchronized void resize(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("workers must be at least 1 (was " + count + ")");
    }
    int before = target;
    target = count;
    if (!running || count == before) {
      return;
    }
    workers.removeIf(w -> !w.thread.isAlive());
    List<Worker> active = workers.stream().filter(w -> !w.retired).toList();
    for (int i = active.size(); i < count; i++) {
      spawn();
    }
    for (int i = count; i < active.size(); i++) {
      active.get(i).retired = true;
    }
    notifyAll(); // ends the back-off pauses of retired workers
    waiter.wakeAll(); // and their idle waits
    LOG.info("publisher now runs {} worker(s) (was {})", count, before);
  }

  /** The number of workers it runs (or will run, before {@link #start}). */
  public synchronized int workers() {
    return target;
  }

  private void spawn() {
    int serial = nextSerial++;
    Worker w = new Worker(cycles.apply(serial), serial == 0);
    w.thread = new Thread(() -> work(w), "herald-publisher-" + serial);
    workers.add(w);
    w.thread.start();
  }

  /** One worker thread; {@code retired} ends it after the batch in hand. */
  private static final class Worker {
    final PublishCycle cycle;
    final boolean housekeeper;
    Thread thread;
    volatile boolean retired;

    Worker(PublishCycle cycle, boolean housekeeper) {
      this.cycle = cycle;
      this.housekeeper = housekeeper;
    }

    boolean shouldRun(PublisherLoop loop) {
      return loop.running && !retired;
    }
  }

  /**
   * Stops claiming, lets each worker finish the batch in hand, and waits up to {@code grace} for
   * them. Returns false if a worker was still busy when the grace ran out; its routes stay leased
   * and return to the schedule when their lease runs out.
   */
  public boolean stop(Duration grace) {
    List<Thread> toJoin;
    synchronized (this) {
      running = false;
      toJoin = workers.stream().map(w -> w.thread).toList();
      workers.clear();
      notifyAll(); // ends back-off pauses
    }
    waiter.wakeAll();
    long deadline = System.nanoTime() + grace.toNanos();
    boolean all = true;
    for (Thread t : toJoin) {
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (t.isAlive()) {
        all = false;
        LOG.warn(
            "{} still busy after the shutdown grace of {}; its leases will run out",
            t.getName(),
            grace);
      }
    }
    return all;
  }

  public boolean isRunning() {
    return running;
  }

  private void work(Worker w) {
    int failures = 0;
    int held = 0; // cycles in a row that left a batch held
    boolean afterWait = true;
    while (w.shouldRun(this)) {
      try {
        PublishCycle.Result result =
            w.cycle.runOnce(afterWait ? FIRST_CLAIM_AFTER_WAIT : Integer.MAX_VALUE);
        afterWait = false;
        if (w.housekeeper) {
          janitor.runIfDue();
        }
        if (failures > 0) {
          LOG.info("Redis answers again; publishing resumed after {} failed cycle(s)", failures);
          troubleLog.resetAll("store");
          failures = 0;
        }
        listener.onCycleSucceeded();
        held = result.sinkUnavailable() ? held + 1 : 0;
        if (result.sinkUnavailable()) {
          // The server refuses writes: the batch is held under its lease, and sent again after a
          // short pause (no route is charged for it).
          troubleLog.warn(
              "sink",
              "Redis refuses to record the batch ({}); sending it again shortly",
              result.sinkError());
          pause(w, backoff(held));
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
        return;
      } catch (StoreUnavailableException e) {
        failures++;
        listener.onCycleFailed(e);
        troubleLog.warn(
            RateLimitedLog.troubleKey("store", e),
            "{}; backing off (failure {} in a row)",
            e.getMessage(),
            failures);
        pause(w, backoff(failures));
      } catch (StoreAccessDeniedException e) {
        failures++;
        listener.onCycleFailed(e);
        troubleLog.error("store", "{}; fix redis.url or the ACL", e.getMessage());
        pause(w, MAX_BACKOFF);
      } catch (RuntimeException e) {
        failures++;
        listener.onCycleFailed(e);
        troubleLog.error("cycle", "publish cycle failed: {}", e.toString(), e);
        pause(w, backoff(failures));
      }
    }
  }

  private static Duration backoff(int failures) {
    long ms = MIN_BACKOFF.toMillis() << Math.min(failures - 1, 16);
    return Duration.ofMillis(Math.min(ms, MAX_BACKOFF.toMillis()));
  }

  private void pause(Worker w, Duration d) {
    try {
      waiterFreePause(w, d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A pause that only {@link #stop} or {@link #resize} ends early, not signals of new work. */
  private void waiterFreePause(Worker w, Duration d) throws InterruptedException {
    long end = System.nanoTime() + d.toNanos();
    synchronized (this) {
      while (w.shouldRun(this)) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
  }
}
