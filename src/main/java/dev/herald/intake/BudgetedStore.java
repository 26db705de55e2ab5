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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Accept calls of a spooling intake, each waited on for at most a budget: a caller whose batch
 * Redis does not take in time goes to the spool instead of waiting out the timeouts and repeats.
 * The call itself runs on (and may outlive the wait in) a small pool of its own.
 */
final class BudgetedStore {

  /** Calls in flight at once; a batch beyond them is not sent (it goes to the spool). */
  static final int MAX_CALLS = 32;

  /**
   * What one accept came to: the results, or why the store did not take the batch.
   *
   * @param failed {@link Outcome#UNAVAILABLE} (not sent) or {@link Outcome#UNKNOWN} (sent, no reply
   *     in time); null when accepted
   */
  record Attempt(List<AcceptResult> accepted, Outcome failed, String why) {}

  private final NotificationStore store;
  private final Duration budget;
  private final ThreadPoolExecutor calls;

  BudgetedStore(NotificationStore store, Duration budget) {
    this.store = store;
    this.budget = budget;
    AtomicInteger threads = new AtomicInteger();
    this.calls =
        new ThreadPoolExecutor(
            0,
            MAX_CALLS,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "herald-intake-store-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  Attempt accept(List<Notification> batch, Instant now, Duration window) {
    CompletableFuture<List<AcceptResult>> call;
    try {
      call =
          CompletableFuture.supplyAsync(
              () -> LostReplyRepeats.run(() -> store.accept(batch, now, window)), calls);
    } catch (RejectedExecutionException e) {
      return new Attempt(
          null,
          Outcome.UNAVAILABLE,
          "not sent: " + MAX_CALLS + " calls to Redis are waiting for it already");
    }
    try {
      return new Attempt(call.get(budget.toMillis(), TimeUnit.MILLISECONDS), null, null);
    } catch (TimeoutException e) {
      // The call goes on; if it stores the batch after all, the replay finds it stored.
      return new Attempt(
          null,
          Outcome.UNKNOWN,
          "sent, and Redis did not answer within spool.store-budget ("
              + budget.toMillis()
              + " ms)");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof StoreOutcomeUnknownException u) {
        return new Attempt(null, Outcome.UNKNOWN, u.getMessage());
      }
      if (cause instanceof StoreUnavailableException u) {
        return new Attempt(null, Outcome.UNAVAILABLE, u.getMessage());
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Attempt(null, Outcome.UNKNOWN, "interrupted while waiting for Redis");
    }
  }
}
