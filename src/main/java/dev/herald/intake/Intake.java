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

  /**
   * How often a call whose reply was lost is sent again, unchanged, before its outcome is reported
   * as unknown. Unchanged means the same notification ids, which the store recognises: a repeat
   * never stores a notification twice.
   */
  static final int REPEATS_AFTER_LOST_REPLY = 2;

  /** The pause before the n-th repeat, times n: a stalled Redis gets a moment to catch up. */
  private static final Duration REPEAT_PAUSE = Duration.ofMillis(200);

  private final NotificationStore store;
  private final Supplier<NotificationValidator> validator;
  private final NotificationIds ids;
  private final Clock clock;
  private final Supplier<Duration> idempotencyWindow;
  private final IntakeListener listener;
  private final NotificationJson json = new NotificationJson();

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
    this.store = store;
    this.validator = validator;
    this.ids = ids;
    this.clock = clock;
    this.idempotencyWindow = idempotencyWindow;
    this.listener = listener;
  }

  /**
   * Validates and accepts; results are in input order. Invalid requests are rejected without
   * writing; the valid ones are still accepted. Each notification's id is fixed before it is sent.
   * When Redis cannot be reached, the notifications not yet stored come back as {@link
   * Outcome#UNAVAILABLE}: nothing of them was written. When a batch was sent and no reply came, it
   * is sent again with the same ids (which the store recognises as the same notifications) up to
   * {@value #REPEATS_AFTER_LOST_REPLY} times; if no reply comes then either, its notifications come
   * back as {@link Outcome#UNKNOWN}, with their ids, and the later batches as unavailable.
   */
  public List<SubmitResult> submit(List<NotificationRequest> requests) {
    List<ParsedNotification> parsed = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      parsed.add(new ParsedNotification(i, requests.get(i), List.of()));
    }
    return new Submission(parsed.size()).run(parsed);
  }

  /** Parses JSON (an object, an array, or one object per line), then as {@link #submit}. */
  public List<SubmitResult> submitJson(byte[] input) {
    List<ParsedNotification> parsed = json.parse(input);
    return new Submission(parsed.size()).run(parsed);
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
        repeatingAfterLostReply(() -> store.cancel(canonical, now, idempotencyWindow.get()));
    result.ifPresent(r -> listener.onCancelled(r.notificationId(), r.cancelled()));
    return result;
  }

  /**
   * Runs a store call, and again, unchanged, up to {@value #REPEATS_AFTER_LOST_REPLY} times while
   * its reply is lost. Throws {@link StoreOutcomeUnknownException} when no reply came and one of
   * the calls may have run, {@link StoreUnavailableException} when none was sent.
   */
  private static <T> T repeatingAfterLostReply(Supplier<T> call) {
    StoreOutcomeUnknownException lost = null;
    for (int repeat = 0; ; repeat++) {
      try {
        return call.get();
      } catch (StoreOutcomeUnknownException e) {
        lost = e;
      } catch (StoreUnavailableException e) {
        if (lost == null) {
          throw e; // nothing was sent yet, so nothing was written
        }
        // not sent this time, but an earlier call may have run: its outcome stays unknown
      }
      if (repeat == REPEATS_AFTER_LOST_REPLY) {
        throw lost;
      }
      pause(REPEAT_PAUSE.multipliedBy(repeat + 1));
    }
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The state of one submit call. */
  private final class Submission {
    private final SubmitResult[] results;
    private final List<Notification> batch = new ArrayList<>();
    private final List<Integer> batchIndexes = new ArrayList<>();
    private int batchRoutes;

    /** Why the batches from here on are not sent: Redis did not answer an earlier one. */
    private String unavailable;

    private Instant now;

    Submission(int size) {
      this.results = new SubmitResult[size];
    }

    List<SubmitResult> run(List<ParsedNotification> parsed) {
      now = clock.instant();
      NotificationValidator rules = validator.get();
      for (ParsedNotification p : parsed) {
        List<FieldError> errors = p.request() == null ? p.errors() : rules.validate(p.request());
        if (!errors.isEmpty()) {
          results[p.index()] = new SubmitResult(p.index(), Outcome.REJECTED, null, errors);
          listener.onRejected("api", errors.get(0).field());
          continue;
        }
        Notification n = p.request().toNotification(ids.next(now), now);
        if (batchRoutes > 0 && batchRoutes + n.routeCount() > ROUTES_PER_CALL) {
          flush();
        }
        batch.add(n);
        batchIndexes.add(p.index());
        batchRoutes += n.routeCount();
      }
      flush();
      return List.of(results);
    }

    private void flush() {
      if (batch.isEmpty()) {
        return;
      }
      List<AcceptResult> accepted = null;
      Outcome failed = Outcome.UNAVAILABLE;
      String why = unavailable;
      if (unavailable == null) {
        try {
          accepted =
              repeatingAfterLostReply(() -> store.accept(batch, now, idempotencyWindow.get()));
        } catch (StoreOutcomeUnknownException e) {
          failed = Outcome.UNKNOWN;
          why = e.getMessage();
          unavailable = "not sent, as Redis did not answer the batch before it: " + e.getMessage();
        } catch (StoreUnavailableException e) {
          why = e.getMessage();
          unavailable = why;
        }
      }
      int stored = 0;
      int routes = 0;
      int duplicates = 0;
      for (int i = 0; i < batch.size(); i++) {
        int index = batchIndexes.get(i);
        if (accepted == null) {
          results[index] =
              new SubmitResult(
                  index,
                  failed,
                  failed == Outcome.UNKNOWN ? batch.get(i).id() : null,
                  List.of(new FieldError("(redis)", why)));
        } else {
          AcceptResult a = accepted.get(i);
          if (a.created()) {
            stored++;
            routes += batch.get(i).routeCount();
          } else {
            duplicates++;
          }
          results[index] =
              new SubmitResult(
                  index,
                  a.created() ? Outcome.ACCEPTED : Outcome.DUPLICATE,
                  a.notificationId(),
                  List.of());
        }
      }
      if (stored > 0) {
        listener.onAccepted(stored, routes);
      }
      if (duplicates > 0) {
        listener.onDuplicate(duplicates);
      }
      batch.clear();
      batchIndexes.clear();
      batchRoutes = 0;
    }
  }
}
