package dev.herald.model;

import dev.herald.domain.CancelRequest;
import dev.herald.intake.SubmitResult;
import dev.herald.store.CancelResult;
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

  void accept(List<NotificationSpec> specs, Fault fault) {
    Instant at = w.sut.clock.instant();
    long now = at.toEpochMilli();
    List<SubmitResult> results =
        w.sut.under(
            fault,
            () ->
                w.sut
                    .intake(fault == Fault.REPLY_LOST)
                    .submit(specs.stream().map(s -> s.request(at)).toList()));
    boolean lost = w.sut.dropped();
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
      switch (outcome) {
        case "ACCEPTED", "DUPLICATE", "REJECTED" -> {
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
        case "UNAVAILABLE" -> {
          w.note("unavailable" + (lost ? " (reply lost)" : "") + ": nothing written, it says");
          w.seen.add(lost ? "accept reply lost" : "accept unavailable");
        }
        default -> {
          // An outcome this version does not know (one for an unknown outcome, say): the id it
          // names, if any, is looked up.
          boolean stored = id != null && w.sut.direct.notifications().find(id).isPresent();
          if (stored) {
            Mismatch.check(
                expected.equals("ACCEPTED"),
                "%s was stored; the model expected %s",
                spec,
                expected);
            w.model.accept(id, spec, now);
          }
          w.note(outcome + " " + id + (stored ? ": stored" : ": not stored"));
        }
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
      result = w.sut.under(fault, () -> w.sut.intake(fault == Fault.REPLY_LOST).cancel(request));
    } catch (StoreUnavailableException | StoreException e) {
      boolean lost = w.sut.dropped();
      if (lost && target != null) {
        w.model.cancel(target, now);
        w.seen.add("cancel reply lost");
      }
      w.note("cancel failed" + (lost ? " (reply lost: it ran)" : "") + ": " + e.getMessage());
      return;
    }
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
    CancelResult expected = new CancelResult(target.id, counts[0], counts[1]);
    Mismatch.check(
        result.equals(Optional.of(expected)),
        "cancel of %s answered %s; the model expected %s",
        request.describe(),
        result,
        expected);
    w.note("cancelled " + counts[0] + ", published " + counts[1]);
  }
}
