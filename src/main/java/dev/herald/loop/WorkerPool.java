package dev.herald.loop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * The threads of a loop: starts them, grows and shrinks their number, and stops them with a bounded
 * wait. What a thread does is its {@link Body}; it runs until {@link Worker#running} turns false,
 * and pauses with {@link Worker#pause}, which a stop (or its retirement) ends early.
 */
public final class WorkerPool {

  /** What one thread does, until {@code worker.running()} is false. */
  @FunctionalInterface
  public interface Body {
    void run(Worker worker);
  }

  /** One thread of the pool, as its body sees it. */
  public final class Worker {
    private final int serial;
    private Thread thread;
    private volatile boolean retired;

    private Worker(int serial) {
      this.serial = serial;
    }

    /** Counts every worker the pool ever started: no two share a number. */
    public int serial() {
      return serial;
    }

    /** False once the pool stops, or once a shrink retired this worker. */
    public boolean running() {
      return WorkerPool.this.running && !retired;
    }

    /**
     * Waits {@code d}, or less if the pool stops or this worker is retired meanwhile; signals of
     * new work do not end it. An interrupt ends it and stays set.
     */
    public void pause(Duration d) {
      long end = System.nanoTime() + d.toNanos();
      synchronized (WorkerPool.this) {
        try {
          while (running()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
              return;
            }
            TimeUnit.NANOSECONDS.timedWait(WorkerPool.this, left);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private final IntFunction<String> threadNames;
  private final IntFunction<Body> bodies;
  private final Runnable wakeIdle;
  private final List<Worker> workers = new ArrayList<>();
  private int target;
  private int nextSerial;
  private volatile boolean running;

  /**
   * @param count how many workers {@link #start} starts
   * @param threadNames the name of worker {@code serial}'s thread
   * @param bodies what worker {@code serial} does
   * @param wakeIdle ends the idle waits of the bodies (their waiter's), on a stop or a shrink
   */
  public WorkerPool(
      int count, IntFunction<String> threadNames, IntFunction<Body> bodies, Runnable wakeIdle) {
    this.target = count;
    this.threadNames = threadNames;
    this.bodies = bodies;
    this.wakeIdle = wakeIdle;
  }

  /** Starts the workers; nothing if they run already. */
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    for (int i = 0; i < target; i++) {
      spawn();
    }
  }

  /**
   * Runs {@code count} workers from now on: new ones start at once, the surplus (the newest) finish
   * what they do and end. Before {@link #start}, sets how many it starts.
   */
  public synchronized void resize(int count) {
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
    notifyAll(); // ends the pauses of retired workers
    wakeIdle.run(); // and their idle waits
  }

  /** The number of workers it runs (or starts, before {@link #start}). */
  public synchronized int size() {
    return target;
  }

  public boolean isRunning() {
    return running;
  }

  private void spawn() {
    Worker w = new Worker(nextSerial++);
    Body body = bodies.apply(w.serial);
    w.thread = new Thread(() -> body.run(w), threadNames.apply(w.serial));
    workers.add(w);
    w.thread.start();
  }

  /**
   * Stops the workers and waits up to {@code grace} for all of them to end; returns the threads
   * still busy then (empty when all ended).
   */
  public List<Thread> stop(Duration grace) {
    List<Thread> toJoin;
    synchronized (this) {
      running = false;
      toJoin = workers.stream().map(w -> w.thread).toList();
      workers.clear();
      notifyAll(); // ends pauses
    }
    wakeIdle.run();
    long deadline = System.nanoTime() + grace.toNanos();
    List<Thread> busy = new ArrayList<>();
    for (Thread t : toJoin) {
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (t.isAlive()) {
        busy.add(t);
      }
    }
    return busy;
  }
}
