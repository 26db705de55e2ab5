package dev.herald.intake;

import dev.herald.domain.FieldError;
import java.util.List;

/**
 * What became of one submitted notification.
 *
 * @param index its position in the submission (0-based)
 * @param notificationId the id, when accepted or a duplicate, and the id it was sent with when its
 *     outcome is unknown or it was spooled; else null
 * @param errors why it was rejected, or the Redis error when unavailable or unknown; empty
 *     otherwise
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
    UNAVAILABLE,
    /**
     * It was sent, under {@code notificationId}, and no reply came, even to the repeats: Redis may
     * have stored it (a server that stalls still runs what it read), or not. Look it up by that id
     * ({@code herald routes show <id>}) before submitting it again; a notification with an
     * idempotency key may be submitted again at once, as that finds the first if it was stored.
     */
    UNKNOWN,
    /**
     * The store did not take it within the budget, so it was appended to the intake's spool (only
     * with {@link Intake#withSpool}), under {@code notificationId}: the spool replays it into the
     * store, under that id, exactly once. Durable as {@code spool.fsync} says.
     */
    SPOOLED
  }

  public boolean isRejected() {
    return outcome == Outcome.REJECTED;
  }
}
