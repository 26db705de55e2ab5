package dev.herald.store;

/**
 * What accepting one notification did.
 *
 * @param notificationId the notification's id, or the id of the notification its idempotency key
 *     already named
 * @param status what became of it
 */
public record AcceptResult(String notificationId, Status status) {

  public enum Status {
    /** Stored and scheduled by this call. */
    CREATED,
    /**
     * Stored already, with this id and this very record: by an earlier call of the same accept
     * whose reply was lost. Nothing was written again.
     */
    ALREADY_STORED,
    /** Its idempotency key named an earlier notification; nothing was scheduled. */
    DUPLICATE
  }

  /** True when the notification is stored under its own id (by this call or the lost one). */
  public boolean created() {
    return status != Status.DUPLICATE;
  }
}
