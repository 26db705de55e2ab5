package dev.herald.intake;

import dev.herald.publish.RateLimitedLog;
import dev.herald.store.IntentStream;
import dev.herald.store.StoreAccessDeniedException;
import dev.herald.store.StoreOutcomeUnknownException;
import dev.herald.store.StoreUnavailableException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link IntakeCycle}s on one thread until stopped: creates the consumer group first, then
 * reads, blocking on the stream while it is empty. A thin shell: errors are caught here, logged
 * rate-limited, and answered by backing off.
 */
public final class IntakeLoop {

  private static final Logger LOG = LoggerFactory.getLogger(IntakeLoop.class);
  private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final IntentStream stream;
  private final IntakeCycle cycle;
  private final Duration block;
  private final RateLimitedLog troubleLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  private Thread thread;
  private volatile boolean running;

  /**
   * @param block how long one read waits on an empty stream; also bounds how long {@link #stop}
   *     waits for the read in flight
   */
  public IntakeLoop(IntentStream stream, IntakeCycle cycle, Duration block) {
    this.stream = stream;
    this.cycle = cycle;
    this.block = block;
  }

  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    thread = new Thread(this::work, "herald-intake");
    thread.start();
  }

  /**
   * Stops reading and waits up to {@code grace} for the batch in hand to be settled. Returns false
   * if it was still busy; its intents stay pending and another consumer takes them over after
   * {@code intake.claim-idle}.
   */
  public boolean stop(Duration grace) {
    Thread t;
    synchronized (this) {
      running = false;
      t = thread;
      thread = null;
      notifyAll();
    }
    if (t == null) {
      return true;
    }
    try {
      t.join(Math.max(1, grace.plus(block).toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (t.isAlive()) {
      LOG.warn("intake still busy after the shutdown grace of {}", grace);
      return false;
    }
    return true;
  }

  public boolean isRunning() {
    return running;
  }

  private void work() {
    int failures = 0;
    boolean grouped = false;
    while (running) {
      try {
        if (!grouped) {
          stream.createGroup();
          grouped = true;
          LOG.info("intake started: consumer {} reading the intents stream", cycle.consumer());
        }
        cycle.runOnce(block);
        if (failures > 0) {
          LOG.info("Redis answers again; intake resumed after {} failed round(s)", failures);
          troubleLog.resetAll("store");
          failures = 0;
        }
      } catch (StoreUnavailableException e) {
        failures++;
        troubleLog.warn(
            RateLimitedLog.troubleKey("store", e),
            "intake: {}; backing off (failure {} in a row){}",
            e.getMessage(),
            failures,
            e instanceof StoreOutcomeUnknownException
                ? "; intents it did not settle stay pending with this consumer and are read again"
                    + " first, those it settled are left alone"
                : "");
        pause(backoff(failures));
      } catch (StoreAccessDeniedException e) {
        failures++;
        troubleLog.error("store", "intake: {}; fix redis.url or the ACL", e.getMessage());
        pause(MAX_BACKOFF);
      } catch (RuntimeException e) {
        failures++;
        troubleLog.error("cycle", "intake round failed: {}", e.toString(), e);
        pause(backoff(failures));
      }
    }
  }

  private static Duration backoff(int failures) {
    long ms = MIN_BACKOFF.toMillis() << Math.min(failures - 1, 16);
    return Duration.ofMillis(Math.min(ms, MAX_BACKOFF.toMillis()));
  }

  /** A pause that {@link #stop} ends early. */
  private synchronized void pause(Duration d) {
    long end = System.nanoTime() + d.toNanos();
    try {
      while (running) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
