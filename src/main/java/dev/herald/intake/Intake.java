package dev.herald.intake;

import dev.herald.domain.CancelRequest;
import dev.herald.domain.FieldError;
import dev.herald.domain.Notification;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationRequest;
import dev.herald.domain.NotificationValidator;
import dev.herald.intake.SubmitResult.Outcome;
import dev.herald.store.AcceptResult;
import dev.herald.store.CancelResult;
import dev.herald.store.NotificationStore;
import dev.herald.store.StoreOutcomeUnknownException;
import dev.herald.store.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Herald's front door for Java callers (the CLI uses it too): validates notifications and accepts
 * the valid ones, idempotently, in as few atomic batches as their size allows. Thread-safe.
 *
 * <pre>{@code
 * List<SubmitResult> results = intake.submit(List.of(
 *     NotificationRequest.builder().type("game.turn_ready").producer("game-engine")
 *         .recipients("u-1", "u-2").channels("push").payloadJson("{\"turn\":42}").build()));
 * }</pre>
 */
public final class Intake {

  /** Routes per accept call: enough to amortise the round trip, few enough not to stall Redis. */
  static final int ROUTES_PER_CALL = 5_000;

  final NotificationStore store;
  final Supplier<NotificationValidator> validator;
  final NotificationIds ids;
  final Clock clock;
  final Supplier<Duration> idempotencyWindow;
  final IntakeListener listener;
  private final NotificationJson json = new NotificationJson();

  /** Null unless {@link #withSpool}: then notifications the store does not take go there. */
  final IntakeSpool spool;

  /** Null unless {@link #withGroupCommit} or {@link #withSpool}: accept calls go through it. */
  final AcceptQueue queue;

  /** The store calls of a spooling intake, each waited on for at most its budget. */
  final BudgetedStore budgeted;

  public Intake(
      NotificationStore store,
      Supplier<NotificationValidator> validator,
      NotificationIds ids,
      Clock clock,
      Supplier<Duration> idempotencyWindow) {
    this(store, validator, ids, clock, idempotencyWindow, IntakeListener.NONE);
  }

  public Intake(
      NotificationStore store,
      Supplier<NotificationValidator> validator,
      NotificationIds ids,
      Clock clock,
      Supplier<Duration> idempotencyWindow,
      IntakeListener listener) {
    this(store, validator, ids, clock, idempotencyWindow, listener, null, null, null);
  }

  private Intake(
      NotificationStore store,
      Supplier<NotificationValidator> validator,
      NotificationIds ids,
      Clock clock,
      Supplier<Duration> idempotencyWindow,
      IntakeListener listener,
      AcceptQueue queue,
      IntakeSpool spool,
      BudgetedStore budgeted) {
    this.store = store;
    this.validator = validator;
    this.ids = ids;
    this.clock = clock;
    this.idempotencyWindow = idempotencyWindow;
    this.listener = listener;
    this.queue = queue;
    this.spool = spool;
    this.budgeted = budgeted;
  }

  /**
   * This intake for many concurrent callers (a server's request threads): the batches that wait
   * while an accept call is in flight go to the store together in the next call (group commit), so
   * that one Redis round trip carries many callers' batches. Each caller's results are what its own
   * call would have given ({@link AcceptQueue}).
   */
  public Intake withGroupCommit() {
    return new Intake(
        store,
        validator,
        ids,
        clock,
        idempotencyWindow,
        listener,
        queue != null ? queue : new AcceptQueue(store),
        spool,
        budgeted);
  }

  /**
   * This intake with a spool (opt-in), and group commit: a batch the store does not take within
   * {@code storeBudget} (Redis down, slow, or its reply lost) is appended to the spool under the
   * ids it was sent with, and comes back {@link Outcome#SPOOLED}; the spool replays it later, and a
   * notification the store did take meanwhile (a late reply) is recognised by its id and stored
   * once. While the spool holds notifications of a producer, that producer's new ones join them
   * behind, so that none overtakes an earlier one of its producer; other producers' go to the
   * store. Once a call failed, callers go to the spool at once, but for a probe now and then, until
   * a call succeeds again ({@link BudgetedStore}). Only when the spool refuses too (full, or its
   * disk failed) is the outcome {@link Outcome#UNAVAILABLE} or {@link Outcome#UNKNOWN}.
   */
  public Intake withSpool(IntakeSpool spool, Duration storeBudget) {
    AcceptQueue q = queue != null ? queue : new AcceptQueue(store);
    return new Intake(
        store,
        validator,
        ids,
        clock,
        idempotencyWindow,
        listener,
        q,
        spool,
        new BudgetedStore(q, storeBudget, System::nanoTime));
  }

  /**
   * Validates and accepts; results are in input order. Invalid requests are rejected without
   * writing; the valid ones are still accepted. Each notification's id is fixed before it is sent.
   * When Redis cannot be reached, the notifications not yet stored come back as {@link
   * Outcome#UNAVAILABLE}: nothing of them was written. When a batch was sent and no reply came, it
   * is sent again with the same ids (which the store recognises as the same notifications) up to
   * {@value LostReplyRepeats#REPEATS_AFTER_LOST_REPLY} times; if no reply comes then either, its
   * notifications come back as {@link Outcome#UNKNOWN}, with their ids, and the later batches as
   * unavailable.
   */
  public List<SubmitResult> submit(List<NotificationRequest> requests) {
    List<ParsedNotification> parsed = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      parsed.add(new ParsedNotification(i, requests.get(i), List.of()));
    }
    return new Submission(this, parsed.size()).run(parsed);
  }

  /** Parses JSON (an object, an array, or one object per line), then as {@link #submit}. */
  public List<SubmitResult> submitJson(byte[] input) {
    return submitParsed(json.parse(input));
  }

  /**
   * As {@link #submit}, for notifications parsed already ({@link NotificationJson}); those that did
   * not parse are rejected with their errors. Their indexes must be 0..n-1.
   */
  public List<SubmitResult> submitParsed(List<ParsedNotification> parsed) {
    return new Submission(this, parsed.size()).run(parsed);
  }

  /**
   * Accepts notifications whose ids and records are fixed already (a spool replaying them),
   * repeating a call whose reply was lost; a notification stored already under its id is reported
   * {@link AcceptResult.Status#ALREADY_STORED}, so replaying one twice stores it once.
   *
   * @throws StoreOutcomeUnknownException no reply, even to the repeats: replay them again later
   * @throws StoreUnavailableException nothing was sent
   * @throws dev.herald.store.NotificationRefusedException one of them cannot be stored (nothing
   *     was): replay the others without it
   */
  public List<AcceptResult> replay(List<Notification> notifications) {
    List<AcceptResult> results =
        LostReplyRepeats.run(
            () -> store.accept(notifications, clock.instant(), idempotencyWindow.get()));
    if (budgeted != null) {
      budgeted.answered(); // the live requests may go to the store again
    }
    int stored = 0;
    int routes = 0;
    int duplicates = 0;
    for (int i = 0; i < results.size(); i++) {
      if (results.get(i).status() == AcceptResult.Status.CREATED) {
        stored++;
        routes += notifications.get(i).routeCount();
      } else if (results.get(i).status() == AcceptResult.Status.DUPLICATE) {
        duplicates++;
      }
    }
    if (stored > 0) {
      listener.onAccepted(stored, routes);
    }
    if (duplicates > 0) {
      listener.onDuplicate(duplicates);
    }
    return results;
  }

  /**
   * The notification while it waits in this intake's spool (answered {@link Outcome#SPOOLED}, not
   * replayed into the store yet); empty without a spool or when it is not there.
   */
  public Optional<IntakeSpool.SpooledNotification> findSpooled(String notificationId) {
    return spool == null ? Optional.empty() : spool.find(NotificationIds.canonical(notificationId));
  }

  /**
   * Cancels a notification that waits in the spool: the cancel is appended behind it, durably, and
   * the replay applies it right after it has stored the notification. Appending it twice is
   * harmless.
   *
   * @throws IntakeSpool.SpoolRefusedException when the spool cannot take it (full, its disk failed)
   */
  public void cancelSpooled(Notification spooled) {
    spool.appendCancel(spooled.id(), spooled.producer(), clock.instant());
  }

  /**
   * What the rules of now say against a notification accepted earlier (a spooled one about to be
   * replayed): a channel removed from the config, a smaller payload limit; empty when it passes.
   */
  public List<FieldError> problemsOf(Notification n) {
    return validator
        .get()
        .validate(
            new NotificationRequest(
                n.type(),
                n.producer(),
                n.idempotencyKey(),
                n.recipients(),
                n.channels(),
                n.payloadJson(),
                n.requestId(),
                n.traceId(),
                n.sendAt(),
                n.maxAttempts(),
                n.expiresAt()));
  }

  /**
   * Cancels the notification named: every route not published yet becomes cancelled, atomically.
   * Empty when no notification matches (never accepted, past its retention, or an idempotency key
   * outside the window).
   *
   * @throws IllegalArgumentException naming each invalid field of the request
   * @throws StoreOutcomeUnknownException when no reply came, even to the repeats: it may have been
   *     cancelled; cancelling again is harmless
   */
  public Optional<CancelResult> cancel(CancelRequest request) {
    List<FieldError> errors = validator.get().validate(request);
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(IntentParser.reason(errors));
    }
    CancelRequest canonical =
        request.notificationId() == null
            ? request
            : CancelRequest.byId(NotificationIds.canonical(request.notificationId()));
    Instant now = clock.instant();
    // Cancelling twice is harmless, so a cancel whose reply was lost is simply sent again.
    Optional<CancelResult> result =
        LostReplyRepeats.run(() -> store.cancel(canonical, now, idempotencyWindow.get()));
    result.ifPresent(r -> listener.onCancelled(r.notificationId(), r.routes()));
    return result;
  }
}
