package dev.herald.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A spool's segment files as the writer and the replayer move them: the sealed ones oldest first,
 * the active one, the bytes on disk (and those reserved by appends under way, for {@code
 * spool.max-bytes}), and how far the replay got in the oldest. Thread-safe; a replayer waiting for
 * a sealed segment waits on it.
 */
final class Segments implements SegmentWriter.Events {

  private final Deque<Segment> sealed = new ArrayDeque<>(); // guarded by this
  private Segment active; // guarded by this
  private long diskBytes; // guarded by this
  private long reservedBytes; // guarded by this

  /** The replay position in the oldest sealed segment: its seq, offset and next record's time. */
  private volatile long headSeq = -1;

  private volatile long headOffset;
  private volatile Instant headAcceptedAt;

  /** A segment found at start: sealed, ahead of any new one. */
  synchronized void recovered(Segment s) {
    sealed.add(s);
    diskBytes += s.bytes;
  }

  /**
   * Reserves {@code bytes} for an append; false (nothing reserved) when they would take the spool
   * past {@code max}.
   */
  synchronized boolean reserve(long bytes, long max) {
    if (diskBytes + reservedBytes + bytes > max) {
      return false;
    }
    reservedBytes += bytes;
    return true;
  }

  /** The append of {@code bytes} is written (or failed): they count as on disk, or not at all. */
  synchronized void release(long bytes) {
    reservedBytes -= bytes;
  }

  /** Bytes on disk and reserved. */
  synchronized long used() {
    return diskBytes + reservedBytes;
  }

  synchronized long diskBytes() {
    return diskBytes;
  }

  synchronized int count() {
    return sealed.size() + (active == null ? 0 : 1);
  }

  /** When the oldest record not replayed yet was accepted; null when none is known. */
  synchronized Instant oldest() {
    if (!sealed.isEmpty()) {
      Segment first = sealed.peekFirst();
      return first.seq == headSeq ? headAcceptedAt : first.firstAcceptedAt;
    }
    return active == null ? null : active.firstAcceptedAt;
  }

  synchronized Instant activeFirstAcceptedAt() {
    return active == null ? null : active.firstAcceptedAt;
  }

  /** The parts of segments that may hold a record whose id carries {@code idTime}. */
  synchronized List<SpoolLookup.Part> candidates(long idTime) {
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

  /** The oldest sealed segment, or null; waits up to {@code wait} for one. */
  synchronized Segment oldestSealed(Duration wait) throws InterruptedException {
    if (sealed.isEmpty() && !wait.isZero()) {
      wait(wait.toMillis());
    }
    return sealed.peekFirst();
  }

  /**
   * The replay stored the records of {@code segment} up to {@code offset}; the next at {@code
   * next}.
   */
  void replayed(Segment segment, long offset, Instant next) {
    headSeq = segment.seq;
    headOffset = offset;
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
  synchronized void wake() {
    notifyAll();
  }

  @Override
  public synchronized void written(
      Segment segment, long bytes, int records, long minIdTime, long maxIdTime) {
    segment.cover(minIdTime, maxIdTime);
    segment.bytes += bytes;
    segment.records += records;
    diskBytes += bytes;
    active = segment;
  }

  @Override
  public synchronized void deleted(Segment segment) {
    diskBytes -= segment.bytes;
    if (active == segment) {
      active = null;
    }
  }

  @Override
  public synchronized void sealed(Segment segment) {
    if (active == segment) {
      active = null;
    }
    sealed.addLast(segment);
    notifyAll();
  }
}
