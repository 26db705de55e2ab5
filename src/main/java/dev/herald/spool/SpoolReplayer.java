package dev.herald.spool;

import dev.herald.domain.CancelRequest;
import dev.herald.domain.FieldError;
import dev.herald.domain.Notification;
import dev.herald.intake.Intake;
import dev.herald.logging.RateLimitedLog;
import dev.herald.loop.Backoff;
import dev.herald.store.AcceptResult;
import dev.herald.store.NotificationRefusedException;
import dev.herald.store.StoreException;
import dev.herald.store.StoreUnavailableException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the spool's sealed segments into the store, oldest first, each record under its own id, in
 * file order: a record stored already (a late reply, a batch repeated after a crash) is recognised
 * by the store and stored once, and a spooled cancel is applied after the notification it names.
 * After each batch it writes the checkpoint; a segment's file is deleted once all its records are
 * in. At most {@code spool.replay-rate} records a second, so that a long backlog does not crowd out
 * the publishers and other producers on Redis. While the store is unavailable it backs off (up to 1
 * s) and tries the same batch again.
 *
 * <p>A record that can never go in does not hold up the rest: one the rules of now refuse (a
 * channel removed since it was spooled) or one the store refuses on its own (its id in use by
 * another record) is <em>set aside</em> into {@code rejected-segment-<seq>.ndjson} with the reason
 * ({@link SetAside}), logged, counted, and the replay goes on. A batch the store refuses for no one
 * record's sake (a key of the wrong type where Herald keeps its schedule) is tried again.
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
            "spool: replay waits for the store ({} record(s) spooled): {}",
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
   * replay}); the active segment is sealed first. Returns the records taken out of the spool
   * (replayed or set aside).
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
    List<SpoolRecord> records = scan.records();
    int i = scan.firstAfter(Checkpoint.read(spool.options().dir()).offsetIn(segment.seq));
    int batch = spool.options().replayBatch();
    try (SetAside aside = new SetAside(spool.options().dir(), segment.seq)) {
      while (i < records.size()) {
        if (stopping) {
          throw new InterruptedException("stopping");
        }
        int end = Math.min(records.size(), i + batch);
        List<SpoolRecord> slice = records.subList(i, end);
        pace(slice.size());
        int duplicates = apply(slice, aside);
        long offset = scan.ends()[end - 1];
        new Checkpoint(segment.seq, offset).write(spool.options().dir());
        Instant next = end < records.size() ? records.get(end).at() : null;
        spool.replayed(segment, slice, offset, next);
        listener.onReplayed(slice.size(), duplicates);
        i = end;
      }
    }
    spool.finished(segment);
    LOG.info(
        "spool: replayed {} ({} record(s)), {} left",
        segment.path.getFileName(),
        records.size(),
        spool.figures().records());
    return true;
  }

  /**
   * Puts {@code slice} into the store in order (the notifications between two cancels in one call),
   * setting aside what can never go in; returns the duplicates (idempotency key of another).
   */
  private int apply(List<SpoolRecord> slice, SetAside aside) throws IOException {
    int duplicates = 0;
    List<Notification> run = new ArrayList<>();
    for (SpoolRecord r : slice) {
      if (r instanceof SpoolRecord.Accept a) {
        run.add(a.notification());
      } else {
        duplicates += accept(run, aside);
        run.clear();
        cancel((SpoolRecord.Cancel) r);
      }
    }
    return duplicates + accept(run, aside);
  }

  private int accept(List<Notification> run, SetAside aside) throws IOException {
    List<Notification> valid = new ArrayList<>(run.size());
    List<SetAside.Entry> invalid = new ArrayList<>();
    for (Notification n : run) {
      List<FieldError> problems = intake.problemsOf(n);
      if (problems.isEmpty()) {
        valid.add(n);
      } else {
        invalid.add(new SetAside.Entry(new SpoolRecord.Accept(n), joined(problems)));
      }
    }
    setAside(aside, invalid, "invalid");
    // A notification with a cancel spooled behind it goes last in its call, and the cancel right
    // after it: only what the publishers take in that one round trip gets out before the cancel.
    int duplicates = 0;
    int from = 0;
    for (int i = 0; i < valid.size(); i++) {
      Notification n = valid.get(i);
      if (i == valid.size() - 1 || spool.cancelWaits(n.id())) {
        duplicates += acceptAll(new ArrayList<>(valid.subList(from, i + 1)), aside);
        if (spool.cancelWaits(n.id())) {
          cancel(new SpoolRecord.Cancel(n.id(), n.producer(), n.acceptedAt()));
        }
        from = i + 1;
      }
    }
    return duplicates;
  }

  /** Accepts {@code valid}, setting aside each one the store refuses on its own. */
  private int acceptAll(List<Notification> valid, SetAside aside) throws IOException {
    while (!valid.isEmpty()) {
      try {
        List<AcceptResult> results = intake.replay(valid);
        return (int)
            results.stream().filter(r -> r.status() == AcceptResult.Status.DUPLICATE).count();
      } catch (NotificationRefusedException e) {
        Notification refused =
            valid.stream()
                .filter(n -> n.id().equals(e.notificationId()))
                .findFirst()
                .orElseThrow(() -> e); // not one of ours: a bug; the batch is tried again
        valid.remove(refused);
        setAside(
            aside,
            List.of(new SetAside.Entry(new SpoolRecord.Accept(refused), e.getMessage())),
            "refused");
      }
    }
    return 0;
  }

  private void setAside(SetAside aside, List<SetAside.Entry> entries, String reason)
      throws IOException {
    if (entries.isEmpty()) {
      return;
    }
    aside.add(entries, spool.now());
    for (SetAside.Entry e : entries) {
      LOG.error(
          "spool: notification {} of {} set aside into {}, not replayed: {}; inspect it with"
              + " `herald spool inspect {}`",
          e.record().notificationId(),
          e.record().producer(),
          aside.file().getFileName(),
          e.reason(),
          aside.file());
    }
    listener.onSetAside(entries.size(), reason);
  }

  /** A spooled cancel: its notification went in before it (or was set aside, or a duplicate). */
  private void cancel(SpoolRecord.Cancel c) {
    if (intake.cancel(CancelRequest.byId(c.notificationId())).isEmpty()) {
      LOG.info(
          "spool: cancel of {} found no notification (a duplicate of an earlier one, or set"
              + " aside)",
          c.notificationId());
    }
  }

  private static String joined(List<FieldError> problems) {
    return String.join("; ", problems.stream().map(FieldError::toString).toList());
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
