package dev.herald.intake;

import dev.herald.domain.Notification;
import dev.herald.store.AcceptResult;
import dev.herald.store.NotificationStore;
import dev.herald.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Group commit for the accept calls of many concurrent callers (the HTTP API's request threads):
 * the batches that wait while a call is in flight go to the store together, in one accept call, so
 * that one Redis round trip and one script run carry many requests. Nothing waits on purpose: a
 * batch that finds a sender free goes at once, alone; under load the batches queue behind the calls
 * in flight and the next call takes them all (up to {@value Intake#ROUTES_PER_CALL} routes).
 *
 * <p>What each caller gets is what its own call would have given: its batch is stored atomically
 * (the merged call is one atomic script), two batches naming one idempotency key make the later a
 * duplicate, as in two calls one after the other, and batches go in the order they were queued.
 * When the store refuses a merged call ({@link StoreException}: say one notification's id is in use
 * by another record), each batch of it is sent again alone, so that only the batch at fault is
 * refused. A batch whose reply was lost, or that could not be sent, gets that exception; it is the
 * caller's to repeat (under the same ids) or to spool.
 */
final class AcceptQueue {

  /** Calls in flight at once: one is sent while the reply to the other is read and settled. */
  static final int SENDERS = 2;

  /** A caller's batch waiting to be sent, and how the caller learns what became of it. */
  static final class Pending {
    final List<Notification> batch;
    final int routes;
    final Instant now;
    final Duration window;
    final CompletableFuture<List<AcceptResult>> done = new CompletableFuture<>();

    Pending(List<Notification> batch, Instant now, Duration window) {
      this.batch = batch;
      this.now = now;
      this.window = window;
      int n = 0;
      for (Notification x : batch) {
        n += x.routeCount();
      }
      this.routes = n;
    }
  }

  private final NotificationStore store;
  private final int maxRoutes;
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>(); // guarded by this
  private int senders; // guarded by this
  private final ThreadPoolExecutor threads;

  AcceptQueue(NotificationStore store) {
    this(store, Intake.ROUTES_PER_CALL);
  }

  AcceptQueue(NotificationStore store, int maxRoutes) {
    this.store = store;
    this.maxRoutes = maxRoutes;
    AtomicInteger n = new AtomicInteger();
    // Threads come and go with the load (idle ones leave after 30 s): an intake no one closes
    // leaves none behind.
    this.threads =
        new ThreadPoolExecutor(
            SENDERS,
            SENDERS,
            30,
            TimeUnit.SECONDS,
            // A sender that has just found nothing more to send may still hold its thread: the
            // next one queues for it rather than being refused.
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "herald-accept-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    threads.allowCoreThreadTimeOut(true);
  }

  /** Queues a batch; the future completes with its results, or the store's exception. */
  Pending submit(List<Notification> batch, Instant now, Duration window) {
    Pending p = new Pending(batch, now, window);
    boolean start;
    synchronized (this) {
      waiting.addLast(p);
      start = senders < SENDERS;
      if (start) {
        senders++;
      }
    }
    if (start) {
      threads.execute(this::send);
    }
    return p;
  }

  /** Queues a batch and waits for its results; throws what the store threw. */
  List<AcceptResult> accept(List<Notification> batch, Instant now, Duration window) {
    try {
      return submit(batch, now, window).done.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /**
   * Takes a batch back that was not sent yet (its caller stopped waiting); false when it is sent
   * already, or being sent.
   */
  synchronized boolean withdraw(Pending p) {
    return waiting.remove(p);
  }

  /** Batches queued and not sent yet. */
  synchronized int waiting() {
    return waiting.size();
  }

  /** A sender: sends what waits, call after call, until nothing does. */
  private void send() {
    while (true) {
      List<Pending> group = next();
      if (group == null) {
        return;
      }
      send(group);
    }
  }

  /** The batches of the next call, oldest first; null (and this sender gone) when none wait. */
  private synchronized List<Pending> next() {
    Pending first = waiting.pollFirst();
    if (first == null) {
      senders--;
      return null;
    }
    List<Pending> group = new ArrayList<>();
    group.add(first);
    int routes = first.routes;
    Pending more;
    while ((more = waiting.peekFirst()) != null && routes + more.routes <= maxRoutes) {
      group.add(waiting.pollFirst());
      routes += more.routes;
    }
    return group;
  }

  private void send(List<Pending> group) {
    if (group.size() == 1) {
      sendAlone(group.get(0));
      return;
    }
    List<Notification> merged = new ArrayList<>();
    Instant now = group.get(0).now;
    for (Pending p : group) {
      merged.addAll(p.batch);
      if (p.now.isAfter(now)) {
        now = p.now;
      }
    }
    List<AcceptResult> results;
    try {
      results = store.accept(merged, now, group.get(0).window);
    } catch (StoreException refused) {
      // One batch's fault (an id in use, a key of the wrong type) must not refuse the others.
      group.forEach(this::sendAlone);
      return;
    } catch (RuntimeException e) {
      group.forEach(p -> p.done.completeExceptionally(e));
      return;
    }
    int from = 0;
    for (Pending p : group) {
      p.done.complete(results.subList(from, from + p.batch.size()));
      from += p.batch.size();
    }
  }

  private void sendAlone(Pending p) {
    try {
      p.done.complete(store.accept(p.batch, p.now, p.window));
    } catch (RuntimeException e) {
      p.done.completeExceptionally(e);
    }
  }
}
