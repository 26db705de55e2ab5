package dev.herald.publish;

import dev.herald.domain.Notification;
import dev.herald.store.ClaimedBatch;
import dev.herald.store.ClaimedRoute;
import dev.herald.store.CompletionReport;
import dev.herald.store.CompletionReport.RouteResult;
import dev.herald.store.RouteOutcome;
import dev.herald.store.RouteStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One batch of publishing, start to end: claim due routes, encode each, record every outcome in one
 * atomic step. The loop around it ({@link PublisherLoop}) decides when to run it; tests call {@link
 * #runOnce()} directly with a controlled clock.
 */
public final class PublishCycle {

  private static final Logger LOG = LoggerFactory.getLogger(PublishCycle.class);

  private final RouteStore store;
  private final Supplier<PublishSettings> settings;
  private final Clock clock;
  private final PublisherListener listener;
  private final String workerId;
  private final OutcomePlanner planner;
  private final ResultReporter reporter;
  private long claims;

  /** A cycle with a breaker of its own (tests, single workers). */
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
    this.store = setup.store();
    this.settings = setup.settings();
    this.clock = setup.clock();
    this.listener = setup.listener();
    this.workerId = workerId;
    this.planner = new OutcomePlanner(setup.encoder(), breaker);
    this.reporter = new ResultReporter(setup.listener(), breaker);
  }

  /**
   * What one cycle did.
   *
   * @param claimed routes claimed (and completed, one way or another)
   * @param limit the most this cycle could claim: a full cycle means more may be due
   * @param nextDueAt the earliest due time left, if any
   * @param sinkError null, or the Redis error with which the stream refused appends for a reason of
   *     the server's (OOM, READONLY, …)
   * @param stoppedByBytes the claim stopped at its byte budget with routes still due
   */
  public record Result(
      int claimed,
      int limit,
      Optional<Instant> nextDueAt,
      String sinkError,
      boolean stoppedByBytes) {

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
    PublishSettings s = settings.get();
    int batchSize = Math.min(limit, s.batchSize());
    Instant start = clock.instant();
    String token = workerId + "." + Long.toString(++claims, 36);
    ClaimedBatch batch = store.claimDue(start, s.lease(), token, batchSize, s.batchBytes());
    listener.onClaimed(batch.routeCount(), Duration.between(start, clock.instant()));
    for (String entry : batch.quarantined()) {
      LOG.error("schedule entry set aside as unreadable (kept in the quarantine hash): {}", entry);
      listener.onCorruptRecord("schedule entry " + entry);
    }
    if (batch.routeCount() == 0) {
      return new Result(0, batchSize, batch.nextDueAt(), null, false);
    }
    List<RouteOutcome> outcomes = planner.plan(batch, s, clock.instant());
    Instant completedAt = clock.instant();
    CompletionReport report = store.complete(token, completedAt, outcomes);
    Map<String, Notification> byId = new HashMap<>();
    batch.notifications().forEach(n -> byId.put(n.notificationId(), n.notification()));
    Map<ClaimedRoute, String> streams = new IdentityHashMap<>();
    for (RouteOutcome o : outcomes) {
      if (o instanceof RouteOutcome.Publish p) {
        streams.put(o.route(), p.event().channel().stream());
      } else if (o instanceof RouteOutcome.Defer d) {
        streams.put(o.route(), d.stream());
      }
    }
    for (RouteResult result : report.results()) {
      ClaimedRoute route = result.route();
      reporter.report(
          result, byId.get(route.notificationId()), streams.get(route), completedAt, s.lease());
    }
    if (report.sinkError() != null) {
      listener.onSinkUnavailable(report.sinkError());
    }
    listener.onBatchCompleted(batch.routeCount(), Duration.between(start, clock.instant()));
    return new Result(
        batch.routeCount(),
        batchSize,
        batch.nextDueAt(),
        report.sinkError(),
        batch.stoppedByBytes());
  }
}
