package dev.herald.intake;

import dev.herald.loop.Backoff;
import dev.herald.loop.StoreFailures;
import dev.herald.loop.WorkerPool;
import dev.herald.store.IntentStream;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link IntakeCycle}s on one thread until stopped: creates the consumer group first, then
 * reads, blocking on the stream while it is empty. A thin shell: errors are caught here, logged
 * rate-limited, and answered by backing off.
 */
public final class IntakeLoop {

  private static final Logger LOG = LoggerFactory.getLogger(IntakeLoop.class);

  private final List<IntentStream> streams;
  private final List<IntakeCycle> cycles;
  private final Duration block;
  private final StoreFailures failures =
      new StoreFailures(
          LOG,
          new Backoff(Duration.ofSeconds(5)),
          new StoreFailures.Terms(
              "intake",
              "intake round",
              "intake: ",
              "; intents it did not settle stay pending with this consumer and are read again"
                  + " first, those it settled are left alone"));
  private final WorkerPool pool;

  /**
   * @param block how long one read waits on an empty stream; also bounds how long {@link #stop}
   *     waits for the read in flight
   */
  public IntakeLoop(IntentStream stream, IntakeCycle cycle, Duration block) {
    this(List.of(stream), List.of(cycle), block);
  }

  /**
   * A consumer per stream, each on a thread of its own: the shards' intents streams, each of which
   * a blocking read holds while it is empty.
   *
   * @param cycles the round of each of {@code streams}, in the same order
   */
  public IntakeLoop(List<IntentStream> streams, List<IntakeCycle> cycles, Duration block) {
    if (streams.size() != cycles.size() || streams.isEmpty()) {
      throw new IllegalArgumentException(streams.size() + " streams for " + cycles.size());
    }
    this.streams = List.copyOf(streams);
    this.cycles = List.copyOf(cycles);
    this.block = block;
    this.pool =
        new WorkerPool(
            streams.size(),
            i -> streams.size() == 1 ? "herald-intake" : "herald-intake-" + i,
            i -> w -> work(w, i),
            () -> {});
  }

  public void start() {
    pool.start();
  }

  /**
   * Stops reading and waits up to {@code grace} for the batch in hand to be settled. Returns false
   * if it was still busy; its intents stay pending and another consumer takes them over after
   * {@code intake.claim-idle}.
   */
  public boolean stop(Duration grace) {
    List<Thread> busy = pool.stop(grace.plus(block));
    if (!busy.isEmpty()) {
      LOG.warn("intake still busy after the shutdown grace of {}", grace);
    }
    return busy.isEmpty();
  }

  public boolean isRunning() {
    return pool.isRunning();
  }

  private void work(WorkerPool.Worker w, int part) {
    IntentStream stream = streams.get(part);
    IntakeCycle cycle = cycles.get(part);
    StoreFailures.Streak streak = failures.streak();
    boolean grouped = false;
    while (w.running()) {
      try {
        if (!grouped) {
          stream.createGroup();
          grouped = true;
          LOG.info(
              "intake started: consumer {} reading the intents stream{}",
              cycle.consumer(),
              stream.shard() == null ? "" : " " + stream.shard().stream());
        }
        cycle.runOnce(block);
        streak.succeeded();
      } catch (RuntimeException e) {
        w.pause(streak.failed(e));
      }
    }
  }
}
