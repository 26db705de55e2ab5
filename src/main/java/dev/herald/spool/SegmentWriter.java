package dev.herald.spool;

import dev.herald.spool.SpoolOptions.Fsync;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes segment files: appends go through its queue in order, so that the file
 * holds them in the order they were accepted, and with {@link Fsync#BATCH} the appends that waited
 * together share one fsync (group commit). It also creates, seals and rotates segments.
 */
final class SegmentWriter implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(SegmentWriter.class);

  /** Most appends written together before one fsync. */
  private static final int MAX_GROUP = 1024;

  sealed interface Op permits Write, Seal {
    CompletableFuture<Void> done();
  }

  /** Lines to append, when the first was accepted, the range of the times in their ids. */
  record Write(
      List<byte[]> lines,
      long bytes,
      Instant firstAcceptedAt,
      long minIdTime,
      long maxIdTime,
      CompletableFuture<Void> done)
      implements Op {}

  /** Seal the active segment (if it has records), so that the replayer may take it. */
  record Seal(CompletableFuture<Void> done) implements Op {}

  /** What the writer tells the spool. */
  interface Events {
    /**
     * Bytes now on disk in the active segment (a new segment's header, or appended records whose
     * ids carry times from {@code minIdTime} to {@code maxIdTime}).
     */
    void written(Segment active, long bytes, int records, long minIdTime, long maxIdTime);

    /** The segment is complete and immutable: the replayer may take it. */
    void sealed(Segment segment);

    /** The segment held no record and its file was deleted. */
    void deleted(Segment segment);
  }

  private final SpoolOptions options;
  private final Clock clock;
  private final Events events;
  private final BlockingQueue<Op> queue = new LinkedBlockingQueue<>();
  private volatile boolean stopping;
  private long nextSeq;
  private Segment active;
  private FileChannel channel;
  private boolean unforced;
  private long lastForce;

  SegmentWriter(SpoolOptions options, Clock clock, long nextSeq, Events events) {
    this.options = options;
    this.clock = clock;
    this.nextSeq = nextSeq;
    this.events = events;
  }

  CompletableFuture<Void> submit(Op op) {
    if (stopping) {
      op.done().completeExceptionally(new IOException("the spool is closing"));
    } else {
      queue.add(op);
    }
    return op.done();
  }

  /** Stops after the queued appends; the active segment stays, sealed at the next start. */
  void stop() {
    stopping = true;
  }

  @Override
  public void run() {
    List<Op> group = new ArrayList<>();
    try {
      while (!stopping || !queue.isEmpty()) {
        Op first;
        try {
          first = queue.poll(pollMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          stopping = true;
          continue;
        }
        if (first == null) {
          forceIfDue();
          continue;
        }
        group.clear();
        group.add(first);
        if (options.fsync() != Fsync.REQUEST) {
          queue.drainTo(group, MAX_GROUP - 1);
        }
        writeGroup(group);
      }
    } finally {
      closeActive();
      Op left;
      while ((left = queue.poll()) != null) {
        left.done().completeExceptionally(new IOException("the spool closed"));
      }
    }
  }

  private long pollMillis() {
    return options.fsync() == Fsync.INTERVAL && unforced
        ? Math.max(1, options.fsyncInterval().toMillis() - (clock.millis() - lastForce))
        : 100;
  }

  private void writeGroup(List<Op> group) {
    long groupStart = active == null ? -1 : active.bytes;
    int groupRecords = 0;
    Segment groupSegment = active;
    List<CompletableFuture<Void>> written = new ArrayList<>(group.size());
    try {
      for (Op op : group) {
        if (op instanceof Seal) {
          force();
          seal();
          op.done().complete(null);
          groupSegment = null;
          continue;
        }
        Write w = (Write) op;
        rotateIfDue(w.bytes());
        if (active == null) {
          open();
        }
        if (groupSegment != active) {
          groupSegment = active;
          groupStart = active.bytes;
          groupRecords = 0;
        }
        ByteBuffer[] buffers = new ByteBuffer[w.lines().size()];
        for (int i = 0; i < buffers.length; i++) {
          buffers[i] = ByteBuffer.wrap(w.lines().get(i));
        }
        long left = w.bytes();
        while (left > 0) {
          left -= channel.write(buffers);
        }
        unforced = true;
        if (active.firstAcceptedAt == null) {
          active.firstAcceptedAt = w.firstAcceptedAt();
        }
        groupRecords += w.lines().size();
        events.written(active, w.bytes(), w.lines().size(), w.minIdTime(), w.maxIdTime());
        if (options.fsync() == Fsync.REQUEST) {
          force();
          w.done().complete(null);
        } else {
          written.add(w.done());
        }
      }
      if (options.fsync() == Fsync.BATCH) {
        force();
      } else {
        forceIfDue();
      }
      written.forEach(f -> f.complete(null));
    } catch (IOException | RuntimeException e) {
      LOG.error(
          "spool: writing to {} failed: {}; the appends waiting are refused",
          active == null ? options.dir() : active.path,
          e.toString());
      undo(groupSegment, groupStart, groupRecords);
      for (Op op : group) {
        op.done().completeExceptionally(e);
      }
    }
  }

  /** After a failed write: cut the segment back to where the failed group began, and seal it. */
  private void undo(Segment segment, long start, int records) {
    if (segment != null && segment == active && start >= 0) {
      try {
        channel.truncate(start);
        channel.force(false);
        events.written(active, start - active.bytes, -records, Long.MAX_VALUE, Long.MIN_VALUE);
      } catch (IOException e) {
        LOG.error("spool: cannot cut {} back to {} bytes: {}", active.path, start, e.toString());
      }
    }
    try {
      seal();
    } catch (IOException e) {
      LOG.error("spool: cannot seal {}: {}", options.dir(), e.toString());
      channel = null;
      active = null;
    }
  }

  private void rotateIfDue(long bytes) throws IOException {
    if (active == null || active.records == 0) {
      return;
    }
    boolean full = active.bytes + bytes > options.segmentBytes();
    boolean old =
        active.firstAcceptedAt != null
            && Duration.between(active.firstAcceptedAt, clock.instant())
                    .compareTo(options.segmentAge())
                >= 0;
    if (full || old) {
      force();
      seal();
    }
  }

  private void open() throws IOException {
    long seq = nextSeq++;
    Path path = options.dir().resolve(SegmentScan.fileName(seq));
    channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    byte[] header = SpoolRecords.header(seq, clock.instant());
    channel.write(ByteBuffer.wrap(header));
    active = new Segment(seq, path, 0, 0, null);
    events.written(active, header.length, 0, Long.MAX_VALUE, Long.MIN_VALUE);
    if (options.fsync() != Fsync.INTERVAL) {
      channel.force(false);
      Checkpoint.forceDirectory(options.dir());
    }
  }

  private void seal() throws IOException {
    if (active == null) {
      return;
    }
    Segment done = active;
    FileChannel ch = channel;
    active = null;
    channel = null;
    ch.force(false);
    ch.close();
    if (done.records == 0) {
      Files.deleteIfExists(done.path);
      events.deleted(done);
      return;
    }
    events.sealed(done);
  }

  private void forceIfDue() {
    if (unforced
        && options.fsync() == Fsync.INTERVAL
        && clock.millis() - lastForce >= options.fsyncInterval().toMillis()) {
      try {
        force();
      } catch (IOException e) {
        LOG.error("spool: fsync of {} failed: {}", active == null ? "" : active.path, e.toString());
      }
    }
  }

  private void force() throws IOException {
    if (channel != null && unforced) {
      channel.force(false);
    }
    unforced = false;
    lastForce = clock.millis();
  }

  private void closeActive() {
    if (channel == null) {
      return;
    }
    try {
      channel.force(false);
      channel.close();
    } catch (IOException e) {
      LOG.error("spool: closing {} failed: {}", active.path, e.toString());
    }
  }
}
