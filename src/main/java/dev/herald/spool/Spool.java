package dev.herald.spool;

import dev.herald.domain.Notification;
import dev.herald.intake.IntakeSpool;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A durable local queue of notifications, in files: what {@link dev.herald.intake.Intake} appends
 * when the store cannot take it, for {@link SpoolReplayer} to put into the store later, in order,
 * each under its final id.
 *
 * <p>Files in {@code spool.dir}: {@code segment-<seq>.ndjson} (NDJSON, see {@link SpoolRecords}),
 * the highest one active (appended to), the others sealed; {@code checkpoint.json} (how far the
 * replay got); {@code corrupt-segment-*} (set aside at start, never deleted); {@code lock} (held by
 * the one process that owns the spool). Thread-safe.
 */
public final class Spool implements IntakeSpool, AutoCloseable {

  private final SpoolOptions options;
  private final Clock clock;
  private final SpoolListener listener;
  private final SpoolLock lock;
  private final SegmentWriter writer;
  private final Thread writerThread;
  private final Deque<Segment> sealed = new ArrayDeque<>(); // guarded by this
  private Segment active; // guarded by this
  private long diskBytes; // guarded by this
  private long reservedBytes; // guarded by this
  private boolean closed; // guarded by this
  private final AtomicLong pending = new AtomicLong();

  /** Notified whenever records were replayed: requests wait on it for their producer's. */
  private final Object replayedMonitor = new Object();

  private final AtomicBoolean sealAsked = new AtomicBoolean();

  /** Records not in the store yet, by producer; a producer with none has no entry. */
  private final ConcurrentHashMap<String, Long> byProducer = new ConcurrentHashMap<>();

  /** The replay position in the oldest sealed segment: its seq and its next record's time. */
  private volatile long headSeq = -1;

  private volatile Instant headAcceptedAt;

  private Spool(SpoolOptions options, Clock clock, SpoolListener listener, SpoolLock lock)
      throws IOException {
    this.options = options;
    this.clock = clock;
    this.listener = listener;
    this.lock = lock;
    long nextSeq = recover();
    this.writer = new SegmentWriter(options, clock, nextSeq, new WriterEvents());
    this.writerThread = new Thread(writer, "herald-spool-writer");
    writerThread.setDaemon(true);
    writerThread.start();
  }

  /**
   * Opens the spool in {@code options.dir()} (creating it), takes its lock and recovers what a
   * crash left: a torn last line is truncated, an unreadable segment renamed {@code corrupt-*};
   * both counted. Every segment found is sealed: the replayer takes them first.
   *
   * @throws SpoolLock.SpoolLockedException when another process holds the spool
   * @throws IOException when the directory cannot be used
   */
  public static Spool open(SpoolOptions options, Clock clock, SpoolListener listener)
      throws IOException {
    SpoolLock lock = SpoolLock.take(options.dir());
    try {
      return new Spool(options, clock, listener, lock);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private long recover() throws IOException {
    SpoolRecovery.Result found = SpoolRecovery.run(options.dir(), listener);
    Checkpoint checkpoint = Checkpoint.read(options.dir());
    long records = 0;
    for (SpoolRecovery.Found f : found.segments()) {
      long resume = checkpoint.offsetIn(f.seq());
      int left = 0;
      Instant first = null;
      for (int i = 0; i < f.scan().records().size(); i++) {
        if (f.scan().ends()[i] > resume) {
          left++;
          byProducer.merge(f.scan().records().get(i).producer(), 1L, Long::sum);
          if (first == null) {
            first = f.scan().records().get(i).acceptedAt();
          }
        }
      }
      sealed.add(new Segment(f.seq(), f.path(), f.scan().validBytes(), left, first));
      diskBytes += f.scan().validBytes();
      records += left;
    }
    pending.set(records);
    return found.nextSeq();
  }

  @Override
  public boolean holdsRecordsOf(String producer) {
    return pending.get() > 0 && byProducer.containsKey(producer);
  }

  @Override
  public boolean awaitReplayed(Collection<String> producers, Duration max) {
    if (producers.stream().noneMatch(this::holdsRecordsOf)) {
      return true;
    }
    if (pending.get() > options.replayRate() * max.toMillis() / 1000) {
      return false; // the replay could not get there in time
    }
    sealSoon();
    long deadline = System.nanoTime() + max.toNanos();
    synchronized (replayedMonitor) {
      while (producers.stream().anyMatch(this::holdsRecordsOf)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          replayedMonitor.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return true;
  }

  /** Seals the active segment soon, for the replayer, without waiting for it. */
  private void sealSoon() {
    if (sealAsked.compareAndSet(false, true)) {
      writer
          .submit(new SegmentWriter.Seal(new CompletableFuture<>()))
          .whenComplete((done, failed) -> sealAsked.set(false));
    }
  }

  private void count(List<Notification> records, long sign) {
    for (Notification n : records) {
      byProducer.compute(
          n.producer(),
          (k, v) -> {
            long left = (v == null ? 0 : v) + sign;
            return left <= 0 ? null : left;
          });
    }
    pending.addAndGet(sign * records.size());
  }

  @Override
  public void append(List<Notification> notifications) {
    if (notifications.isEmpty()) {
      return;
    }
    List<byte[]> lines = new ArrayList<>(notifications.size());
    long bytes = 0;
    for (Notification n : notifications) {
      byte[] line = SpoolRecords.encode(n);
      lines.add(line);
      bytes += line.length;
    }
    reserve(bytes, notifications);
    try {
      writer
          .submit(
              new SegmentWriter.Write(
                  lines, bytes, notifications.get(0).acceptedAt(), new CompletableFuture<>()))
          .get();
      listener.onAppended(notifications.size(), bytes);
    } catch (ExecutionException e) {
      count(notifications, -1);
      listener.onRefused("io");
      throw new SpoolRefusedException(
          "io", "spool: cannot write to " + options.dir() + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      count(notifications, -1);
      throw new SpoolRefusedException("io", "spool: interrupted while appending", e);
    } finally {
      synchronized (this) {
        reservedBytes -= bytes;
      }
    }
  }

  private synchronized void reserve(long bytes, List<Notification> records) {
    if (closed) {
      listener.onRefused("io");
      throw new SpoolRefusedException("io", "spool: closed (Herald is stopping)", null);
    }
    if (diskBytes + reservedBytes + bytes > options.maxBytes()) {
      listener.onRefused("full");
      throw new SpoolRefusedException(
          "full",
          "spool: full: "
              + (diskBytes + reservedBytes)
              + " bytes in "
              + options.dir()
              + ", and "
              + bytes
              + " more would pass spool.max-bytes ("
              + options.maxBytes()
              + ")",
          null);
    }
    reservedBytes += bytes;
    count(records, 1);
  }

  /** The spool now. */
  public synchronized SpoolFigures figures() {
    Instant oldest = null;
    if (!sealed.isEmpty()) {
      Segment first = sealed.peekFirst();
      oldest = first.seq == headSeq ? headAcceptedAt : first.firstAcceptedAt;
    } else if (active != null) {
      oldest = active.firstAcceptedAt;
    }
    Duration age =
        oldest == null || pending.get() == 0
            ? Duration.ZERO
            : Duration.between(oldest, clock.instant());
    return new SpoolFigures(
        diskBytes,
        Math.max(0, pending.get()),
        sealed.size() + (active == null ? 0 : 1),
        age.isNegative() ? Duration.ZERO : age);
  }

  public SpoolOptions options() {
    return options;
  }

  // ---- for the replayer ----

  /** The oldest sealed segment, or null; waits up to {@code wait} for one. */
  synchronized Segment oldestSealed(Duration wait) throws InterruptedException {
    if (sealed.isEmpty() && !wait.isZero()) {
      wait(wait.toMillis());
    }
    return sealed.peekFirst();
  }

  /** Asks the writer to seal the active segment once its first record is {@code age} old. */
  void sealIfOlder(Duration age) {
    Instant first;
    synchronized (this) {
      first = active == null ? null : active.firstAcceptedAt;
    }
    if (first != null && Duration.between(first, clock.instant()).compareTo(age) >= 0) {
      try {
        writer.submit(new SegmentWriter.Seal(new CompletableFuture<>())).get(10, TimeUnit.SECONDS);
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        // the writer logged it; the next round asks again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** {@code records} of {@code segment}, those before {@code next}, are in the store (or aside). */
  void replayed(Segment segment, List<Notification> records, Instant next) {
    count(records, -1);
    synchronized (replayedMonitor) {
      replayedMonitor.notifyAll();
    }
    headSeq = segment.seq;
    headAcceptedAt = next;
  }

  /** Every record of {@code segment} is in the store: its file goes. */
  void finished(Segment segment) throws IOException {
    Files.deleteIfExists(segment.path);
    synchronized (this) {
      sealed.remove(segment);
      diskBytes -= segment.bytes;
    }
  }

  /** Wakes a replayer waiting for a sealed segment. */
  synchronized void wakeReplayer() {
    notifyAll();
  }

  private final class WriterEvents implements SegmentWriter.Events {
    @Override
    public void written(Segment segment, long bytes, int records) {
      synchronized (Spool.this) {
        segment.bytes += bytes;
        segment.records += records;
        diskBytes += bytes;
        active = segment;
      }
    }

    @Override
    public void deleted(Segment segment) {
      synchronized (Spool.this) {
        diskBytes -= segment.bytes;
        if (active == segment) {
          active = null;
        }
      }
    }

    @Override
    public void sealed(Segment segment) {
      synchronized (Spool.this) {
        if (active == segment) {
          active = null;
        }
        sealed.addLast(segment);
        Spool.this.notifyAll();
      }
    }
  }

  /** Stops appending (later appends are refused), writes what is queued, releases the lock. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      notifyAll();
    }
    writer.stop();
    try {
      writerThread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lock.close();
  }

  synchronized boolean isClosed() {
    return closed;
  }
}
