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
   * writing; the valid ones are still accepted. When Redis cannot be reached, the notifications not
   * yet stored come back as {@link Outcome#UNAVAILABLE}: nothing of them was written.
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
   */
  public Optional<CancelResult> cancel(CancelRequest request) {
    List<FieldError> errors = validator.get().validate(request);
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(IntentParser.reason(errors));
    }
    Optional<CancelResult> result = store.cancel(request, clock.instant(), idempotencyWindow.get());
    result.ifPresent(r -> listener.onCancelled(r.notificationId(), r.cancelled()));
    return result;
  }

  /** The state of one submit call. */
  private final class Submission {
    private final SubmitResult[] results;
    private final List<Notification> batch = new ArrayList<>();
    private final List<Integer> batchIndexes = new ArrayList<>();
    private int batchRoutes;
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
      if (unavailable == null) {
        try {
          accepted = store.accept(batch, now, idempotencyWindow.get());
        } catch (StoreUnavailableException e) {
          unavailable = e.getMessage();
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
                  Outcome.UNAVAILABLE,
                  null,
                  List.of(new FieldError("(redis)", unavailable)));
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
