package dev.herald.ops;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a Redis call on its own thread and waits for it at most a budget, so that an HTTP thread is
 * never held longer than that, whatever the connection pool's timeouts. While one call is still
 * running (Redis hangs), later callers wait on that same call instead of queueing more.
 */
final class BoundedCall<T> implements AutoCloseable {

  private final Callable<T> call;
  private final ExecutorService executor;
  private Future<T> inFlight;

  BoundedCall(String threadName, Callable<T> call) {
    this.call = call;
    this.executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * The call's result, from a call started now or one still running.
   *
   * @throws TimeoutException when no result came within {@code budget}
   * @throws ExecutionException with what the call threw
   */
  T get(Duration budget) throws TimeoutException, ExecutionException, InterruptedException {
    Future<T> future;
    synchronized (this) {
      if (inFlight == null || inFlight.isDone()) {
        inFlight = executor.submit(call);
      }
      future = inFlight;
    }
    return future.get(budget.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
