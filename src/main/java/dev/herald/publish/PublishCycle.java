package dev.herald.publish;

import dev.herald.domain.Channel;
import dev.herald.store.BreakerBoard;
import dev.herald.store.ClaimRequest;
import dev.herald.store.ClaimedBatch;
import dev.herald.store.PublishedRoute;
import dev.herald.store.RouteOutcome;
import dev.herald.store.RouteStore;
import dev.herald.store.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One batch of publishing, start to end: claim due routes, encode each, record every outcome in one
 * atomic step. The claim itself publishes the routes it can of the channels whose breaker is closed
 * (inline publishing, {@link ClaimRequest#inline}): only the rest are encoded and completed. The
 * loop around it ({@link PublisherLoop}) decides when to run it; tests call {@link #runOnce()}
 * directly with a controlled clock.
 *
 * <p>A batch the server refused to record (OOM, READONLY, …) is held: the next cycle sends its
 * unrecorded routes again, under the same lease, before it claims anything, until they are recorded
 * or the lease runs out (then they are claimed again like any other).
 */
public final class PublishCycle {

  private static final Logger LOG = LoggerFactory.getLogger(PublishCycle.class);

  private final RouteStore store;
  private final Supplier<PublishSettings> settings;
  private final Clock clock;
  private final PublisherListener listener;
  private final String workerId;
  private final SinkBreaker breaker;
  private final OutcomePlanner planner;
  private final ResultReporter reporter;
  private final BreakerReports breakerReports;
  private final EventEncoder encoder;
  private BatchCompletion held;
  private long claims;

  /** A cycle with a breaker of its own, reported nowhere (tests, single workers). */
  public PublishCycle(
      RouteStore store,
      EventEncoder encoder,
      Supplier<PublishSettings> settings,
      Clock clock,
      PublisherListener listener,
      String workerId) {
    this(
        new PublisherSetup(store, encoder, settings, () -> Duration.ofSeconds(1), clock, listener),
        new SinkBreaker(clock),
        workerId);
  }

  /**
   * @param breaker shared by the workers of a process
   * @param workerId names this worker in lease tokens (no {@code |}); unique among all workers of
   *     all processes
   */
  public PublishCycle(PublisherSetup setup, SinkBreaker breaker, String workerId) {
    this(
        setup,
        breaker,
        new BreakerReports(breaker, BreakerBoard.NONE, "", setup.clock()),
        workerId);
  }

  /**
   * @param breakerReports tells the store of this process's open breakers; shared by its workers
   */
  public PublishCycle(
      PublisherSetup setup, SinkBreaker breaker, BreakerReports breakerReports, String workerId) {
    this.store = setup.store();
    this.settings = setup.settings();
    this.clock = setup.clock();
    this.listener = setup.listener();
    this.workerId = workerId;
    this.breaker = breaker;
    this.planner = new OutcomePlanner(setup.encoder(), breaker);
    this.reporter = new ResultReporter(setup.listener(), breaker);
    this.breakerReports = breakerReports;
    this.encoder = setup.encoder();
  }

  /**
   * What one cycle did.
   *
   * @param claimed routes claimed (published inline, or completed one way or another)
   * @param limit the most this cycle could claim: a full cycle means more may be due
   * @param nextDueAt the earliest due time left, if any
   * @param sinkError null, or the Redis error with which the server refused to record the batch
   *     (OOM, READONLY, …): its unrecorded routes are held, to be sent again by the next cycle
   * @param stoppedByBytes the claim stopped at its byte budget with routes still due
   * @param onlyDeferred every route claimed was deferred or refused, uncharged: the streams they
   *     are for refuse appends, and claiming more at once would only defer those too
   */
  public record Result(
      int claimed,
      int limit,
      Optional<Instant> nextDueAt,
      String sinkError,
      boolean stoppedByBytes,
      boolean onlyDeferred) {

    public boolean sinkUnavailable() {
      return sinkError != null;
    }

    /** A full batch: more routes may be due now. */
    public boolean wasFull() {
      return claimed >= limit || stoppedByBytes;
    }
  }

  /** One cycle of at most {@code publisher.batch-size} routes. */
  public Result runOnce() {
    return runOnce(Integer.MAX_VALUE);
  }

  /** One cycle of at most {@code limit} routes (and at most the configured batch size). */
  public Result runOnce(int limit) {
    try {
      return cycle(limit);
    } finally {
      breakerReports.reportIfDue();
    }
  }

  private Result cycle(int limit) {
    PublishSettings s = settings.get();
    int batchSize = Math.min(limit, s.batchSize());
    if (held != null && !sendHeld()) {
      return new Result(0, batchSize, Optional.empty(), held.sinkError(), false, false);
    }
    Instant start = clock.instant();
    String token = workerId + "." + Long.toString(++claims, 36);
    ClaimedBatch batch =
        store.claimDue(
            ClaimRequest.of(start, s.lease(), token, batchSize)
                .withMaxBytes(s.batchBytes())
                .withInline(s.inlinePublish() ? inlineChannels() : List.of()));
    Instant claimedAt = clock.instant();
    listener.onClaimed(batch.takenCount(), Duration.between(start, claimedAt));
    for (PublishedRoute published : batch.published()) {
      reporter.reportPublished(published, claimedAt);
    }
    for (String entry : batch.quarantined()) {
      LOG.error("schedule entry set aside as unreadable (kept in the quarantine hash): {}", entry);
      listener.onCorruptRecord("schedule entry " + entry);
    }
    if (batch.routeCount() == 0) {
      if (!batch.published().isEmpty()) {
        listener.onBatchCompleted(batch.takenCount(), Duration.between(start, claimedAt));
      }
      return new Result(
          batch.takenCount(), batchSize, batch.nextDueAt(), null, batch.stoppedByBytes(), false);
    }
    // One instant for the plan and the completion: a failed append's failure is recorded at the
    // completion's `now`, and its retry time was planned from this one, so that the two are one
    // backoff apart (herald routes show, the failure history).
    Instant planned = clock.instant();
    List<RouteOutcome> outcomes = planner.plan(batch, s, planned);
    BatchCompletion completion =
        new BatchCompletion(
            store, breaker, reporter, listener, token, start.plus(s.lease()), s.lease(), outcomes);
    boolean done = send(completion, planned);
    listener.onBatchCompleted(batch.takenCount(), Duration.between(start, clock.instant()));
    return new Result(
        batch.takenCount(),
        batchSize,
        batch.nextDueAt(),
        done ? null : completion.sinkError(),
        batch.stoppedByBytes(),
        completion.onlyDeferred() && batch.published().isEmpty());
  }

  /**
   * The channels whose routes the claim may publish itself: those whose stream breaker is closed. A
   * route of an open breaker is leased, to be deferred or to probe (OutcomePlanner).
   */
  private List<Channel> inlineChannels() {
    List<Channel> inline = new ArrayList<>();
    for (Channel channel : encoder.channels().all()) {
      if (breaker.isClosed(channel.stream())) {
        inline.add(channel);
      }
    }
    return inline;
  }

  /** Sends the held batch again; true when nothing is held any more. */
  private boolean sendHeld() {
    Instant now = clock.instant();
    if (held.leaseRanOut(now)) {
      held.abandon();
      held = null;
      return true;
    }
    return send(held, now);
  }

  /** Sends a batch's completion; it stays held while the server refuses to record it. */
  private boolean send(BatchCompletion completion, Instant now) {
    held = completion;
    try {
      if (completion.send(now)) {
        held = null;
        return true;
      }
      return false;
    } catch (StoreUnavailableException e) {
      throw e; // held: sent again by the next cycle
    } catch (RuntimeException e) {
      held = null; // given up by the completion: the lease runs out
      throw e;
    }
  }
}
