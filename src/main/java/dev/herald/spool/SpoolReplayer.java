package dev.herald.spool;

import dev.herald.domain.Notification;
import dev.herald.intake.Intake;
import dev.herald.logging.RateLimitedLog;
import dev.herald.loop.Backoff;
import dev.herald.store.AcceptResult;
import dev.herald.store.StoreException;
import dev.herald.store.StoreUnavailableException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the spool's sealed segments into the store, oldest first, each record under its own id: a
 * record stored already (a late reply, a batch repeated after a crash) is recognised by the store
 * and stored once. After each batch it writes the checkpoint; a segment's file is deleted once all
 * its records are in. At most {@code spool.replay-rate} notifications a second, so that a long
 * backlog does not crowd out the publishers and other producers on Redis. While the store is
 * unavailable it backs off (up to 1 s) and tries the same batch again.
 */
public final class SpoolReplayer implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(SpoolReplayer.class);
  private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1));

  private final Spool spool;
  private final Intake intake;
  private final SpoolListener listener;
  private volatile boolean stopping;
  private final RateLimitedLog troubleLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  private Thread thread;

  /** When the next batch may go, by the rate limit (nanoTime). */
  private long nextSend = System.nanoTime();

  public SpoolReplayer(Spool spool, Intake intake, SpoolListener listener) {
    this.spool = spool;
    this.intake = intake;
    this.listener = listener;
  }

  /** Replays on a thread of its own until {@link #stop}. */
  public synchronized void start() {
    thread = new Thread(this, "herald-spool-replayer");
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops after the batch in hand (its checkpoint written); waits up to {@code grace}. */
  public void stop(Duration grace) {
    stopping = true;
    spool.wakeReplayer();
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join(Math.max(1, grace.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void run() {
    int failures = 0;
    while (!stopping) {
      try {
        if (!replayOldest()) {
          spool.sealIfOlder(spool.options().segmentAge());
        }
        failures = 0;
      } catch (StoreUnavailableException | StoreException e) {
        listener.onReplayFailed();
        troubleLog.warn(
            "store",
            "spool: replay waits for the store ({} notification(s) spooled): {}",
            spool.figures().records(),
            e.getMessage());
        pause(BACKOFF.after(++failures));
      } catch (IOException e) {
        if (stopping) {
          return; // stop() interrupted a read (ClosedByInterruptException): nothing is wrong
        }
        LOG.error("spool: replay cannot read {}: {}", spool.options().dir(), e.toString());
        pause(BACKOFF.max());
      } catch (InterruptedException e) {
        if (!stopping) {
          Thread.currentThread().interrupt();
        }
        return;
      }
    }
  }

  /**
   * Replays every sealed segment there is now, on the calling thread (for {@code herald spool
   * replay}); the active segment is sealed first. Returns the records replayed.
   *
   * @throws StoreUnavailableException when the store does not take a batch
   */
  public long drain() throws IOException, InterruptedException {
    spool.sealIfOlder(Duration.ZERO);
    long before = spool.figures().records();
    while (replayOldest()) {
      // next segment
    }
    return before - spool.figures().records();
  }

  /** Replays the oldest sealed segment from its checkpoint; false when there is none. */
  private boolean replayOldest() throws IOException, InterruptedException {
    Segment segment = spool.oldestSealed(Duration.ofMillis(100));
    if (segment == null) {
      return false;
    }
    SegmentScan scan = SegmentScan.read(segment.path);
    long offset = Checkpoint.read(spool.options().dir()).offsetIn(segment.seq);
    List<Notification> records = scan.records();
    int i = 0;
    while (i < records.size() && scan.ends()[i] <= offset) {
      i++;
    }
    int batch = spool.options().replayBatch();
    while (i < records.size()) {
      if (stopping) {
        throw new InterruptedException("stopping");
      }
      int end = Math.min(records.size(), i + batch);
      List<Notification> slice = records.subList(i, end);
      pace(slice.size());
      List<AcceptResult> results = intake.replay(slice);
      new Checkpoint(segment.seq, scan.ends()[end - 1]).write(spool.options().dir());
      int duplicates =
          (int) results.stream().filter(r -> r.status() == AcceptResult.Status.DUPLICATE).count();
      Instant next = end < records.size() ? records.get(end).acceptedAt() : null;
      spool.replayed(segment, slice, next);
      listener.onReplayed(slice.size(), duplicates);
      i = end;
    }
    spool.finished(segment);
    LOG.info(
        "spool: replayed {} ({} record(s)), {} left",
        segment.path.getFileName(),
        records.size(),
        spool.figures().records());
    return true;
  }

  /** Waits until {@code records} more fit within the replay rate. */
  private void pace(int records) throws InterruptedException {
    long now = System.nanoTime();
    if (nextSend > now) {
      Thread.sleep((nextSend - now) / 1_000_000, (int) ((nextSend - now) % 1_000_000));
      now = nextSend;
    }
    long cost = records * 1_000_000_000L / spool.options().replayRate();
    nextSend = Math.max(nextSend, now - 1_000_000_000L / 10) + cost; // up to 100 ms of burst
  }

  private void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      if (!stopping) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
