package dev.herald.model;

import dev.herald.domain.CancelRequest;
import dev.herald.intake.SubmitResult;
import dev.herald.store.CancelResult;
import dev.herald.store.CancelledRoutes;
import dev.herald.store.StoreException;
import dev.herald.store.StoreUnavailableException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Accept and cancel steps, through {@link dev.herald.intake.Intake}. */
final class IntakeSteps {

  private final World w;

  IntakeSteps(World w) {
    this.w = w;
  }

  /**
   * Submits through {@link dev.herald.intake.Intake}. A lost reply is repeated with the same ids,
   * so it is stored once and reported as usual; with the repeats' replies lost too it is {@code
   * UNKNOWN}, with its id, and stored (the first call ran) unless it was a duplicate. {@code
   * UNAVAILABLE} means nothing of it was written (the key scan finds any record that was).
   */
  void accept(List<NotificationSpec> specs, Fault fault) {
    Instant at = w.sut.clock.instant();
    long now = at.toEpochMilli();
    List<SubmitResult> results =
        w.sut.under(
            fault,
            () ->
                w.sut
                    .intake(fault.losesReplies())
                    .submit(specs.stream().map(s -> s.request(at)).toList()));
    boolean lost = w.sut.dropped();
    if (lost) {
      w.seen.add(
          fault == Fault.REPLY_LOST_REPEATEDLY
              ? "accept replies lost, repeats too"
              : "accept reply lost, repeated");
    }
    for (int i = 0; i < specs.size(); i++) {
      NotificationSpec spec = specs.get(i);
      SubmitResult result = results.get(i);
      String duplicateOf =
          spec.invalid()
              ? null
              : w.model.idempotentId(spec.producer(), spec.idempotencyKey(), now).orElse(null);
      String expected =
          spec.invalid() ? "REJECTED" : duplicateOf != null ? "DUPLICATE" : "ACCEPTED";
      String outcome = result.outcome().name();
      String id = result.notificationId();
      switch (result.outcome()) {
        case ACCEPTED, DUPLICATE, REJECTED -> {
          Mismatch.check(
              outcome.equals(expected)
                  && (duplicateOf == null || duplicateOf.equals(id))
                  && (!outcome.equals("ACCEPTED") || !w.model.byId.containsKey(id)),
              "submit of %s came back %s %s; the model expected %s %s",
              spec,
              outcome,
              id,
              expected,
              duplicateOf == null ? "" : duplicateOf);
          if (outcome.equals("ACCEPTED")) {
            w.note("#" + w.model.accept(id, spec, now).ordinal + " accepted: " + id);
          } else {
            w.note(outcome.toLowerCase(java.util.Locale.ROOT) + (id == null ? "" : " " + id));
          }
        }
        case UNAVAILABLE -> {
          // Redis refusing writes, or a batch not sent after an earlier one's outcome was unknown.
          Mismatch.check(
              fault == Fault.OOM || fault == Fault.REPLY_LOST_REPEATEDLY,
              "submit of %s came back unavailable (%s) with no fault that explains it",
              spec,
              result.errors());
          w.note("unavailable: nothing written, it says");
          w.seen.add("accept unavailable");
        }
        case UNKNOWN -> {
          Mismatch.check(
              fault == Fault.REPLY_LOST_REPEATEDLY && lost && id != null,
              "submit of %s came back unknown (%s, id %s) though a repeat got its reply",
              spec,
              result.errors(),
              id);
          boolean stored = w.sut.direct.notifications().find(id).isPresent();
          Mismatch.check(
              stored == expected.equals("ACCEPTED"),
              "submit of %s, unknown: %s is %s; the first call ran, so the model expected %s",
              spec,
              id,
              stored ? "stored" : "not stored",
              expected);
          if (stored) {
            Mismatch.check(
                !w.model.byId.containsKey(id), "submit, unknown, named %s, an id in use", id);
            w.note("#" + w.model.accept(id, spec, now).ordinal + " unknown, stored: " + id);
          } else {
            w.note("unknown " + id + ": not stored (a duplicate)");
          }
        }
        default ->
            throw new Mismatch(
                String.format("submit of %s came back %s (%s)", spec, outcome, result.errors()));
      }
    }
  }

  void cancel(int ordinal, boolean byKey, Fault fault) {
    ModelNotification n = w.model.byOrdinal(ordinal);
    if (n != null) {
      w.note("→ " + n);
    }
    long now = w.now();
    CancelRequest request;
    ModelNotification target;
    if (n == null) {
      request = CancelRequest.byId("01ZZZZZZZZZZZZZZZZZZZZZZZZ");
      target = null;
    } else if (byKey && n.spec.idempotencyKey() != null) {
      request = CancelRequest.byIdempotencyKey(n.spec.producer(), n.spec.idempotencyKey());
      target =
          w.model
              .idempotentId(n.spec.producer(), n.spec.idempotencyKey(), now)
              .map(w.model::live)
              .orElse(null);
    } else {
      request = CancelRequest.byId(n.id);
      target = w.model.live(n.id);
    }
    Optional<CancelResult> result;
    try {
      result = w.sut.under(fault, () -> w.sut.intake(fault.losesReplies()).cancel(request));
    } catch (StoreUnavailableException | StoreException e) {
      boolean lost = w.sut.dropped();
      Mismatch.check(
          fault == Fault.OOM || (fault == Fault.REPLY_LOST_REPEATEDLY && lost),
          "cancel of %s failed (%s) though a repeat got its reply, or with no fault at all",
          request.describe(),
          e);
      if (lost && target != null) {
        w.model.cancel(target, now);
        w.seen.add("cancel replies lost, repeats too");
      }
      w.note("cancel failed" + (lost ? " (replies lost: it ran)" : "") + ": " + e.getMessage());
      return;
    }
    boolean repeated = w.sut.dropped();
    if (target == null) {
      Mismatch.check(
          result.isEmpty(),
          "cancel of %s found %s; the model has nothing to cancel",
          request.describe(),
          result);
      w.note("nothing to cancel");
      return;
    }
    int[] counts = w.model.cancel(target, now);
    // A cancel whose reply was lost is sent again: the repeat finds nothing left to cancel.
    CancelResult expected =
        new CancelResult(target.id, repeated ? 0 : counts[0], counts[1], CancelledRoutes.NONE);
    if (repeated) {
      w.seen.add("cancel reply lost, repeated");
    }
    Mismatch.check(
        result.map(IntakeSteps::countsOnly).equals(Optional.of(expected)),
        "cancel of %s answered %s; the model expected %s%s",
        request.describe(),
        result,
        expected,
        repeated ? " (its reply was lost, a repeat answered)" : "");
    w.note("cancelled " + counts[0] + ", published " + counts[1] + (repeated ? " (repeated)" : ""));
  }

  /**
   * The counts a cancel answered; the by-channel split is the metrics' business, not the model's.
   */
  private static CancelResult countsOnly(CancelResult r) {
    return new CancelResult(r.notificationId(), r.cancelled(), r.published(), CancelledRoutes.NONE);
  }
}
