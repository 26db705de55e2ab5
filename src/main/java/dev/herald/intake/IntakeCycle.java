package dev.herald.intake;

import dev.herald.domain.FieldError;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationValidator;
import dev.herald.logging.RateLimitedLog;
import dev.herald.store.Intent;
import dev.herald.store.IntentDecision;
import dev.herald.store.IntentResult;
import dev.herald.store.IntentStream;
import dev.herald.store.IntentStream.ClaimedIntents;
import dev.herald.store.StoreAccessDeniedException;
import dev.herald.store.StoreException;
import dev.herald.store.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One round of stream intake: take over intents that another consumer left pending too long (when
 * such a pass is due), read new intents, and settle each batch in one atomic step. The loop around
 * it ({@link IntakeLoop}) only repeats it; tests call {@link #runOnce} directly.
 */
public final class IntakeCycle {

  private static final Logger LOG = LoggerFactory.getLogger(IntakeCycle.class);

  private final IntentStream stream;
  private final Supplier<Settings> settings;
  private final NotificationIds ids;
  private final Clock clock;
  private final IntakeListener listener;
  private final String consumer;
  private final IntentParser parser;
  private final RateLimitedLog rejectLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  private Instant nextClaimPass = Instant.MIN;
  private String claimCursor;

  /**
   * Whether entries may be pending with this consumer that {@link IntentStream#read} will never
   * hand out again: at start (a consumer name can outlive a restart), and after any failed round (a
   * settle that failed or whose reply was lost, a read whose reply was lost). They are read again
   * first, rather than left for a take-over after {@code intake.claim-idle}.
   */
  private boolean ownPendingFirst = true;

  /**
   * What a cycle reads its limits from; may change between cycles (reload).
   *
   * @param batchSize most intents per read and per settle
   * @param claimIdle how long an intent stays with a consumer before another takes it over
   * @param idempotencyWindow as for {@link Intake}
   * @param validator the rules notifications must meet
   */
  public record Settings(
      int batchSize,
      Duration claimIdle,
      Duration idempotencyWindow,
      NotificationValidator validator) {}

  /**
   * @param consumer this process's name in the consumer group (host-pid)
   */
  public IntakeCycle(
      IntentStream stream,
      Supplier<Settings> settings,
      NotificationIds ids,
      Clock clock,
      IntakeListener listener,
      String consumer) {
    this.stream = stream;
    this.settings = settings;
    this.ids = ids;
    this.clock = clock;
    this.listener = listener;
    this.consumer = consumer;
    this.parser = new IntentParser(stream.shard());
  }

  public String consumer() {
    return consumer;
  }

  /**
   * Runs one round and returns the intents settled. Waits up to {@code block} for new intents when
   * it found none to take over and none are waiting.
   */
  public int runOnce(Duration block) {
    try {
      return round(block);
    } catch (RuntimeException e) {
      ownPendingFirst = true;
      throw e;
    }
  }

  private int round(Duration block) {
    Settings s = settings.get();
    if (ownPendingFirst) {
      List<Intent> own = stream.readPending(consumer, s.batchSize());
      if (!own.isEmpty()) {
        LOG.info(
            "settling {} intent(s) still pending with this consumer (a failed round left them)",
            own.size());
        return settle(own, s);
      }
      ownPendingFirst = false;
    }
    int settled = 0;
    Instant now = clock.instant();
    if (claimCursor != null || !now.isBefore(nextClaimPass)) {
      ClaimedIntents claimed =
          stream.claimIdle(
              consumer,
              s.claimIdle(),
              s.batchSize(),
              claimCursor == null ? IntentStream.START : claimCursor);
      if (!claimed.intents().isEmpty()) {
        LOG.info(
            "took over {} intent(s) left unacknowledged for over {} by another consumer",
            claimed.intents().size(),
            s.claimIdle());
      }
      settled += settle(claimed.intents(), s);
      claimCursor = claimed.passFinished() ? null : claimed.nextCursor();
      if (claimCursor == null) {
        nextClaimPass = now.plus(claimPeriod(s.claimIdle()));
      }
    }
    boolean busy = claimCursor != null || settled > 0;
    settled += settle(stream.read(consumer, s.batchSize(), busy ? Duration.ZERO : block), s);
    return settled;
  }

  /** How often to look for intents to take over: a quarter of the idle time, 100ms to 10s. */
  static Duration claimPeriod(Duration claimIdle) {
    Duration quarter = claimIdle.dividedBy(4);
    Duration min = Duration.ofMillis(100);
    Duration max = Duration.ofSeconds(10);
    return quarter.compareTo(min) < 0 ? min : quarter.compareTo(max) > 0 ? max : quarter;
  }

  private int settle(List<Intent> intents, Settings s) {
    if (intents.isEmpty()) {
      return 0;
    }
    Instant now = clock.instant();
    List<IntentParser.Parsed> parsed = new ArrayList<>(intents.size());
    for (Intent intent : intents) {
      parsed.add(parser.parse(intent, s.validator(), ids, now));
    }
    // Split a batch of very large notifications, so that no one script call stalls Redis.
    int from = 0;
    int routes = 0;
    for (int i = 0; i < parsed.size(); i++) {
      int r =
          parsed.get(i).decision() instanceof IntentDecision.Accept a
              ? a.notification().routeCount()
              : 1;
      if (i > from && routes + r > Intake.ROUTES_PER_CALL) {
        settleChunk(parsed.subList(from, i), now, s);
        from = i;
        routes = 0;
      }
      routes += r;
    }
    settleChunk(parsed.subList(from, parsed.size()), now, s);
    return intents.size();
  }

  /** Settles each intent of a failed chunk alone; the one that fails alone is rejected. */
  private void isolate(
      List<IntentParser.Parsed> chunk, Instant now, Settings s, RuntimeException e) {
    if (chunk.size() > 1) {
      for (IntentParser.Parsed one : chunk) {
        settleChunk(List.of(one), now, s);
      }
      return;
    }
    IntentDecision decision = chunk.get(0).decision();
    if (decision instanceof IntentDecision.Reject) {
      throw e; // not the intent: rejecting itself fails (the rejected stream, say); back off
    }
    LOG.error(
        "intent {} could not be stored; rejecting it so that intake goes on",
        decision.entryId(),
        e);
    settleChunk(
        List.of(
            IntentParser.reject(
                decision.entryId(),
                List.of(
                    new FieldError(
                        "(intent)",
                        "could not be stored (" + e + "); a Herald bug, please report it")))),
        now,
        s);
  }

  private void settleChunk(List<IntentParser.Parsed> chunk, Instant now, Settings s) {
    List<IntentDecision> decisions = chunk.stream().map(IntentParser.Parsed::decision).toList();
    List<IntentResult> results;
    try {
      results = stream.settle(decisions, now, s.idempotencyWindow());
    } catch (StoreException | StoreUnavailableException | StoreAccessDeniedException e) {
      // Redis's trouble or its answer, not one intent's (the store rejects an intent it cannot
      // take by itself): the loop backs off and the batch is read again, from the pending entries.
      throw e;
    } catch (RuntimeException e) {
      // Raised while an intent was encoded, before anything was sent: one intent the validator let
      // through but the store cannot encode would otherwise fail its batch at every retry,
      // forever. Settling again is safe: an entry settled already is left alone.
      isolate(chunk, now, s, e);
      return;
    }
    int accepted = 0;
    int routes = 0;
    int duplicates = 0;
    for (int i = 0; i < results.size(); i++) {
      IntentResult r = results.get(i);
      IntentDecision d = decisions.get(i);
      switch (r.status()) {
        case ACCEPTED -> {
          accepted++;
          routes += ((IntentDecision.Accept) d).notification().routeCount();
        }
        case DUPLICATE -> duplicates++;
        case CANCELLED -> {
          LOG.debug(
              "intent {} cancelled notification {}: {} route(s) cancelled, {} already published",
              r.entryId(),
              r.notificationId(),
              r.cancelled(),
              r.published());
          listener.onCancelled(r.notificationId(), r.cancelledRoutes());
        }
        case REJECTED -> {
          String field = chunk.get(i).rejectedField();
          if (field == null) {
            field = d instanceof IntentDecision.Cancel ? "cancel" : "(intent)";
          }
          String reason =
              r.reason() != null
                  ? r.reason()
                  : d instanceof IntentDecision.Reject j
                      ? j.reason()
                      : ((IntentDecision.Cancel) d).reasonIfUnknown();
          listener.onRejected("stream", field);
          rejectLog.warn(
              "rejected",
              "intent {} rejected ({}); copied to the rejected stream, see `herald intake rejected`",
              r.entryId(),
              reason);
        }
        case DROPPED ->
            LOG.warn("intent {} was deleted from the stream before it was read", r.entryId());
        case ALREADY_SETTLED ->
            LOG.debug("intent {} was settled by another consumer meanwhile", r.entryId());
      }
    }
    if (accepted > 0) {
      listener.onAccepted(accepted, routes);
    }
    if (duplicates > 0) {
      listener.onDuplicate(duplicates);
    }
  }
}
