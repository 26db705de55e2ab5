package dev.herald.intake;

import dev.herald.domain.FieldError;
import dev.herald.domain.Notification;
import dev.herald.domain.NotificationValidator;
import dev.herald.intake.SubmitResult.Outcome;
import dev.herald.store.AcceptResult;
import dev.herald.store.StoreOutcomeUnknownException;
import dev.herald.store.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The state of one {@link Intake} submit call: validation, batching, and each batch's outcome. */
final class Submission {

  /** The least a batch is waited for after its producers' spooled notifications were replayed. */
  private static final Duration MIN_WAIT = Duration.ofMillis(50);

  private final Intake intake;
  private final SubmitResult[] results;
  private final List<Notification> batch = new ArrayList<>();
  private final List<Integer> batchIndexes = new ArrayList<>();
  private int batchRoutes;

  /** Why the batches from here on are not sent: Redis did not answer an earlier one. */
  private String unavailable;

  private Instant now;

  Submission(Intake intake, int size) {
    this.intake = intake;
    this.results = new SubmitResult[size];
  }

  List<SubmitResult> run(List<ParsedNotification> parsed) {
    now = intake.clock.instant();
    NotificationValidator rules = intake.validator.get();
    for (ParsedNotification p : parsed) {
      List<FieldError> errors = p.problems(rules);
      if (!errors.isEmpty()) {
        results[p.index()] = new SubmitResult(p.index(), Outcome.REJECTED, null, errors);
        intake.listener.onRejected("api", errors.get(0).field());
        continue;
      }
      Notification n =
          p.request()
              .toNotification(
                  intake.ids.nextFor(now, p.request().producer(), p.request().idempotencyKey()),
                  now);
      if (batchRoutes > 0 && batchRoutes + n.routeCount() > Intake.ROUTES_PER_CALL) {
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
    if (intake.spool != null) {
      flushSpooling();
      return;
    }
    List<AcceptResult> accepted = null;
    Outcome failed = Outcome.UNAVAILABLE;
    String why = unavailable;
    if (unavailable == null) {
      try {
        accepted =
            LostReplyRepeats.run(
                () ->
                    intake.queue != null
                        ? intake.queue.accept(batch, now, intake.idempotencyWindow.get())
                        : intake.store.accept(batch, now, intake.idempotencyWindow.get()));
      } catch (StoreOutcomeUnknownException e) {
        failed = Outcome.UNKNOWN;
        why = e.getMessage();
        unavailable = "not sent, as Redis did not answer the batch before it: " + e.getMessage();
      } catch (StoreUnavailableException e) {
        why = e.getMessage();
        unavailable = why;
      }
    }
    settle(accepted, failed, List.of(new FieldError("(redis)", why)));
  }

  /**
   * The batch in hand with a spool. A notification whose producer has some in the spool must not
   * overtake them: while the store answers and the spool can replay its backlog within the budget,
   * the batch waits for the spool to replay that producer's (so that a busy producer gets back to
   * the store once Redis answers again, instead of feeding the spool for as long as it sends); else
   * it goes behind them, into the spool. The rest go to the store (at once to the spool while the
   * store is down), and to the spool under the same ids when the store does not take them within
   * what is left of the budget.
   */
  private void flushSpooling() {
    if (unavailable != null) {
      toSpool(Outcome.UNAVAILABLE, unavailable);
      return;
    }
    Duration budget = intake.budgeted.budget();
    long start = System.nanoTime();
    Set<String> queued = new HashSet<>();
    for (Notification n : batch) {
      if (intake.spool.holdsRecordsOf(n.producer())) {
        queued.add(n.producer());
      }
    }
    if (!queued.isEmpty()
        && !(intake.budgeted.isUp() && intake.spool.awaitReplayed(queued, budget))) {
      spoolBehind(queued);
      if (batch.isEmpty()) {
        return;
      }
    }
    String skip = intake.budgeted.skipReason();
    if (skip != null) {
      toSpool(Outcome.UNAVAILABLE, skip);
      return;
    }
    Duration left = budget.minusNanos(System.nanoTime() - start);
    BudgetedStore.Attempt attempt =
        intake.budgeted.accept(
            List.copyOf(batch),
            now,
            intake.idempotencyWindow.get(),
            left.compareTo(MIN_WAIT) < 0 ? MIN_WAIT : left);
    if (attempt.accepted() != null) {
      settle(attempt.accepted(), null, List.of());
    } else {
      toSpool(attempt.failed(), attempt.why());
    }
  }

  /**
   * Appends the notifications of the batch in hand whose producers are {@code queued} to the spool,
   * behind their earlier ones; the others stay in hand.
   */
  private void spoolBehind(Set<String> queued) {
    List<Notification> direct = new ArrayList<>(batch.size());
    List<Integer> directIndexes = new ArrayList<>(batch.size());
    List<Notification> behind = new ArrayList<>();
    List<Integer> behindIndexes = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      Notification n = batch.get(i);
      boolean spooled = queued.contains(n.producer());
      (spooled ? behind : direct).add(n);
      (spooled ? behindIndexes : directIndexes).add(batchIndexes.get(i));
    }
    swapBatch(behind, behindIndexes);
    toSpool(
        Outcome.UNAVAILABLE,
        "not sent: the spool holds earlier notifications of its producer, which it replays first");
    swapBatch(direct, directIndexes);
  }

  /** Makes {@code notifications} the batch in hand. */
  private void swapBatch(List<Notification> notifications, List<Integer> indexes) {
    clearBatch();
    batch.addAll(notifications);
    batchIndexes.addAll(indexes);
  }

  /**
   * Appends the batch in hand to the spool; when the spool refuses, its outcome is what the store
   * left it: {@code failed}, for the reason {@code why}.
   */
  private void toSpool(Outcome failed, String why) {
    try {
      intake.spool.append(List.copyOf(batch));
    } catch (IntakeSpool.SpoolRefusedException refused) {
      unavailable = "not sent, as neither Redis nor the spool took the batch before it";
      settle(
          null,
          failed,
          List.of(new FieldError("(redis)", why), new FieldError("(spool)", refused.getMessage())));
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      int index = batchIndexes.get(i);
      results[index] = new SubmitResult(index, Outcome.SPOOLED, batch.get(i).id(), List.of());
    }
    clearBatch();
  }

  /** Records the outcome of the batch in hand and clears it. */
  private void settle(List<AcceptResult> accepted, Outcome failed, List<FieldError> why) {
    int stored = 0;
    int routes = 0;
    int duplicates = 0;
    for (int i = 0; i < batch.size(); i++) {
      int index = batchIndexes.get(i);
      if (accepted == null) {
        results[index] =
            new SubmitResult(
                index, failed, failed == Outcome.UNKNOWN ? batch.get(i).id() : null, why);
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
      intake.listener.onAccepted(stored, routes);
    }
    if (duplicates > 0) {
      intake.listener.onDuplicate(duplicates);
    }
    clearBatch();
  }

  private void clearBatch() {
    batch.clear();
    batchIndexes.clear();
    batchRoutes = 0;
  }
}
