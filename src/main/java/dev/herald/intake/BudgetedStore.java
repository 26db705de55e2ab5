package dev.herald.intake;

import dev.herald.domain.Notification;
import dev.herald.intake.SubmitResult.Outcome;
import dev.herald.store.AcceptResult;
import dev.herald.store.NotificationStore;
import dev.herald.store.StoreOutcomeUnknownException;
import dev.herald.store.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Accept calls of a spooling intake, through one {@link AcceptQueue} (group commit), each waited on
 * for at most a budget: a caller whose batch Redis does not take in time goes to the spool instead
 * of waiting out the timeouts and repeats.
 *
 * <p>Once a call failed (Redis unreachable, no reply within the budget), the store counts as down:
 * callers then go to the spool at once instead of each waiting out the budget, but for one probe
 * every {@link #PROBE_EVERY}. The first call that succeeds (a probe, or the spool's replay) counts
 * it as up again.
 */
final class BudgetedStore {

  /** While the store is down, how often one caller still tries it. */
  static final Duration PROBE_EVERY = Duration.ofMillis(250);

  /**
   * What one accept came to: the results, or why the store did not take the batch.
   *
   * @param failed {@link Outcome#UNAVAILABLE} (not sent) or {@link Outcome#UNKNOWN} (sent, no reply
   *     in time); null when accepted
   */
  record Attempt(List<AcceptResult> accepted, Outcome failed, String why) {}

  private final AcceptQueue queue;
  private final Duration budget;
  private final LongSupplier nanos;

  /** Why the store counts as down; null while it is up. */
  private volatile String down;

  private final AtomicLong nextProbe = new AtomicLong();

  BudgetedStore(NotificationStore store, Duration budget) {
    this(new AcceptQueue(store), budget, System::nanoTime);
  }

  BudgetedStore(AcceptQueue queue, Duration budget, LongSupplier nanos) {
    this.queue = queue;
    this.budget = budget;
    this.nanos = nanos;
  }

  /**
   * Null when the store is worth a call now (it is up, or this caller is the probe while it is
   * down); else why not, for the caller's spool record.
   */
  String skipReason() {
    String why = down;
    if (why == null) {
      return null;
    }
    long now = nanos.getAsLong();
    long probe = nextProbe.get();
    if (now - probe >= 0 && nextProbe.compareAndSet(probe, now + PROBE_EVERY.toNanos())) {
      return null;
    }
    return "not sent: Redis did not take the last call (" + why + ")";
  }

  /** True unless the last call failed: the store answers, as far as this intake knows. */
  boolean isUp() {
    return down == null;
  }

  Duration budget() {
    return budget;
  }

  /** A call succeeded elsewhere (the spool's replay): the store answers again. */
  void answered() {
    down = null;
  }

  /** Sends the batch and waits for it for at most {@code wait} (the budget, or what is left). */
  Attempt accept(List<Notification> batch, Instant now, Duration window, Duration wait) {
    AcceptQueue.Pending call = queue.submit(batch, now, window);
    try {
      List<AcceptResult> results = call.done.get(wait.toNanos(), TimeUnit.NANOSECONDS);
      down = null;
      return new Attempt(results, null, null);
    } catch (TimeoutException e) {
      if (queue.withdraw(call)) {
        return failed(
            Outcome.UNAVAILABLE,
            "not sent: the calls before it kept Redis busy past spool.store-budget ("
                + budget.toMillis()
                + " ms)");
      }
      // The call goes on; if it stores the batch after all, the replay finds it stored.
      return failed(
          Outcome.UNKNOWN,
          "sent, and Redis did not answer within spool.store-budget ("
              + budget.toMillis()
              + " ms)");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof StoreOutcomeUnknownException u) {
        return failed(Outcome.UNKNOWN, u.getMessage());
      }
      if (cause instanceof StoreUnavailableException u) {
        return failed(Outcome.UNAVAILABLE, u.getMessage());
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      queue.withdraw(call);
      return new Attempt(null, Outcome.UNKNOWN, "interrupted while waiting for Redis");
    }
  }

  private Attempt failed(Outcome outcome, String why) {
    if (down == null) {
      nextProbe.set(nanos.getAsLong() + PROBE_EVERY.toNanos());
    }
    down = why;
    return new Attempt(null, outcome, why);
  }
}
