package dev.herald.spool;

import dev.herald.domain.Notification;
import dev.herald.domain.NotificationIds;
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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A durable local queue of notifications (and cancels of them), in files: what {@link
 * dev.herald.intake.Intake} appends when the store cannot take it, for {@link SpoolReplayer} to put
 * into the store later, in order, each under its final id.
 *
 * <p>Files in {@code spool.dir}: {@code segment-<seq>.ndjson} (NDJSON, see {@link SpoolRecords}),
 * the highest one active (appended to), the others sealed; {@code checkpoint.json} (how far the
 * replay got); {@code corrupt-segment-*} (set aside at start, never deleted); {@code
 * rejected-segment-*} (records the replay set aside); {@code lock} (held by the one process that
 * owns the spool). Thread-safe.
 */
public final class Spool implements IntakeSpool, AutoCloseable {

  private final SpoolOptions options;
  private final Clock clock;
  private final SpoolListener listener;
  private final SpoolLock lock;
  private final SegmentWriter writer;
  private final Thread writerThread;
  private final Backlog backlog = new Backlog();
  private final Deque<Segment> sealed = new ArrayDeque<>(); // guarded by this
  private Segment active; // guarded by this
  private long diskBytes; // guarded by this
  private long reservedBytes; // guarded by this
  private boolean closed; // guarded by this
  private final AtomicBoolean sealAsked = new AtomicBoolean();

  /** The replay position in the oldest sealed segment: its seq, offset and next record's time. */
  private volatile long headSeq = -1;

  private volatile long headOffset;
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
    for (SpoolRecovery.Found f : found.segments()) {
      List<SpoolRecord> records = f.scan().records();
      List<SpoolRecord> left =
          records.subList(f.scan().firstAfter(checkpoint.offsetIn(f.seq())), records.size());
      sealed.add(f.segment(left));
      diskBytes += f.scan().validBytes();
      backlog.add(left);
    }
    return found.nextSeq();
  }

  @Override
  public boolean holdsRecordsOf(String producer) {
    return backlog.holds(producer);
  }

  @Override
  public boolean awaitReplayed(Collection<String> producers, Duration max) {
    if (producers.stream().noneMatch(backlog::holds)) {
      return true;
    }
    if (backlog.pending() > options.replayRate() * max.toMillis() / 1000) {
      return false; // the replay could not get there in time
    }
    sealSoon();
    return backlog.awaitNone(producers, max);
  }

  /** Seals the active segment soon, for the replayer, without waiting for it. */
  private void sealSoon() {
    if (sealAsked.compareAndSet(false, true)) {
      writer
          .submit(new SegmentWriter.Seal(new CompletableFuture<>()))
          .whenComplete((done, failed) -> sealAsked.set(false));
    }
  }

  @Override
  public void append(List<Notification> notifications) {
    List<SpoolRecord> records = new ArrayList<>(notifications.size());
    notifications.forEach(n -> records.add(new SpoolRecord.Accept(n)));
    write(records);
  }

  @Override
  public void appendCancel(String notificationId, String producer, Instant at) {
    write(List.of(new SpoolRecord.Cancel(notificationId, producer, at)));
  }

  @Override
  public Optional<SpooledNotification> find(String notificationId) {
    return SpoolLookup.find(candidates(NotificationIds.timeOf(notificationId)), notificationId)
        .map(n -> new SpooledNotification(n, backlog.cancelWaits(notificationId)));
  }

  /** The parts of segments that may hold a record whose id carries {@code idTime}. */
  private synchronized List<SpoolLookup.Part> candidates(long idTime) {
    List<SpoolLookup.Part> parts = new ArrayList<>();
    for (Segment s : sealed) {
      if (s.mayHold(idTime)) {
        parts.add(new SpoolLookup.Part(s.path, s.seq == headSeq ? headOffset : 0, s.bytes));
      }
    }
    if (active != null && active.mayHold(idTime)) {
      parts.add(new SpoolLookup.Part(active.path, 0, active.bytes));
    }
    return parts;
  }

  private void write(List<SpoolRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    List<byte[]> lines = new ArrayList<>(records.size());
    long bytes = 0;
    long minTime = Long.MAX_VALUE;
    long maxTime = Long.MIN_VALUE;
    for (SpoolRecord r : records) {
      byte[] line = SpoolRecords.encode(r, null);
      lines.add(line);
      bytes += line.length;
      long t = NotificationIds.timeOf(r.notificationId());
      minTime = Math.min(minTime, t);
      maxTime = Math.max(maxTime, t);
    }
    reserve(bytes, records);
    try {
      writer
          .submit(
              new SegmentWriter.Write(
                  lines, bytes, records.get(0).at(), minTime, maxTime, new CompletableFuture<>()))
          .get();
      listener.onAppended(records.size(), bytes);
    } catch (ExecutionException e) {
      backlog.remove(records);
      listener.onRefused("io");
      throw new SpoolRefusedException(
          "io", "spool: cannot write to " + options.dir() + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      backlog.remove(records);
      throw new SpoolRefusedException("io", "spool: interrupted while appending", e);
    } finally {
      synchronized (this) {
        reservedBytes -= bytes;
      }
    }
  }

  private synchronized void reserve(long bytes, List<SpoolRecord> records) {
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
    backlog.add(records);
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
    long records = backlog.pending();
    Duration age =
        oldest == null || records == 0 ? Duration.ZERO : Duration.between(oldest, clock.instant());
    return new SpoolFigures(
        diskBytes,
        records,
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

  /**
   * {@code records} of {@code segment}, those up to {@code offset}, are in the store (or set
   * aside); {@code next} is when the next one was accepted.
   */
  void replayed(Segment segment, List<SpoolRecord> records, long offset, Instant next) {
    headSeq = segment.seq;
    headOffset = offset;
    headAcceptedAt = next;
    backlog.remove(records);
  }

  /** Every record of {@code segment} is in the store: its file goes. */
  void finished(Segment segment) throws IOException {
    Files.deleteIfExists(segment.path);
    synchronized (this) {
      sealed.remove(segment);
      diskBytes -= segment.bytes;
    }
  }

  /** True while a cancel of {@code notificationId} waits in the spool. */
  boolean cancelWaits(String notificationId) {
    return backlog.cancelWaits(notificationId);
  }

  Instant now() {
    return clock.instant();
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
    public void covered(Segment segment, long minIdTime, long maxIdTime) {
      synchronized (Spool.this) {
        segment.cover(minIdTime, maxIdTime);
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
