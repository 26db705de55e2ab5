package dev.herald.intake;

import dev.herald.domain.FieldError;
import java.util.List;

/**
 * What became of one submitted notification.
 *
 * @param index its position in the submission (0-based)
 * @param notificationId the id, when accepted or a duplicate; else null
 * @param errors why it was rejected, or the Redis error when unavailable; empty otherwise
 */
public record SubmitResult(
    int index, Outcome outcome, String notificationId, List<FieldError> errors) {

  public SubmitResult {
    errors = List.copyOf(errors);
  }

  public enum Outcome {
    /** Stored and scheduled. */
    ACCEPTED,
    /** Its producer and idempotency key named an earlier notification; nothing was scheduled. */
    DUPLICATE,
    /** Invalid; nothing was written. */
    REJECTED,
    /** Redis could not be reached; nothing of it was written, so submitting it again is safe. */
    UNAVAILABLE
  }

  public boolean isRejected() {
    return outcome == Outcome.REJECTED;
  }
}
