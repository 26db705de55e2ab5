package dev.herald.spool;

import dev.herald.domain.Notification;
import dev.herald.domain.NotificationIds;
import dev.herald.intake.IntakeSpool;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
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
  private final Segments segments = new Segments();
  private boolean closed; // guarded by this
  private final AtomicBoolean sealAsked = new AtomicBoolean();

  private Spool(SpoolOptions options, Clock clock, SpoolListener listener, SpoolLock lock)
      throws IOException {
    this.options = options;
    this.clock = clock;
    this.listener = listener;
    this.lock = lock;
    long nextSeq = recover();
    this.writer = new SegmentWriter(options, clock, nextSeq, segments);
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
      segments.recovered(f.segment(left));
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
    return SpoolLookup.find(
            segments.candidates(NotificationIds.timeOf(notificationId)), notificationId)
        .map(n -> new SpooledNotification(n, backlog.cancelWaits(notificationId)));
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
      segments.release(bytes);
    }
  }

  private synchronized void reserve(long bytes, List<SpoolRecord> records) {
    if (closed) {
      listener.onRefused("io");
      throw new SpoolRefusedException("io", "spool: closed (Herald is stopping)", null);
    }
    if (!segments.reserve(bytes, options.maxBytes())) {
      listener.onRefused("full");
      throw new SpoolRefusedException(
          "full",
          "spool: full: "
              + segments.used()
              + " bytes in "
              + options.dir()
              + ", and "
              + bytes
              + " more would pass spool.max-bytes ("
              + options.maxBytes()
              + ")",
          null);
    }
    backlog.add(records);
  }

  /** The spool now. */
  public SpoolFigures figures() {
    Instant oldest = segments.oldest();
    long records = backlog.pending();
    Duration age =
        oldest == null || records == 0 ? Duration.ZERO : Duration.between(oldest, clock.instant());
    return new SpoolFigures(
        segments.diskBytes(), records, segments.count(), age.isNegative() ? Duration.ZERO : age);
  }

  public SpoolOptions options() {
    return options;
  }

  // ---- for the replayer ----

  /** The oldest sealed segment, or null; waits up to {@code wait} for one. */
  Segment oldestSealed(Duration wait) throws InterruptedException {
    return segments.oldestSealed(wait);
  }

  /** Asks the writer to seal the active segment once its first record is {@code age} old. */
  void sealIfOlder(Duration age) {
    Instant first = segments.activeFirstAcceptedAt();
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
    segments.replayed(segment, offset, next);
    backlog.remove(records);
  }

  /** Every record of {@code segment} is in the store: its file goes. */
  void finished(Segment segment) throws IOException {
    segments.finished(segment);
  }

  /** True while a cancel of {@code notificationId} waits in the spool. */
  boolean cancelWaits(String notificationId) {
    return backlog.cancelWaits(notificationId);
  }

  Instant now() {
    return clock.instant();
  }

  /** Wakes a replayer waiting for a sealed segment. */
  void wakeReplayer() {
    segments.wake();
  }

  /** Stops appending (later appends are refused), writes what is queued, releases the lock. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    segments.wake();
    writer.stop();
    try {
      writerThread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lock.close();
  }
}
