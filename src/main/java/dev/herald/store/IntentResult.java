package dev.herald.store;

/**
 * How one entry was settled.
 *
 * @param notificationId the notification accepted, found a duplicate of, or cancelled; else null
 * @param cancelled for a cancel, the routes cancelled by it; else 0
 * @param published for a cancel, the routes already published, which stay so; else 0
 * @param reason for a rejection the store itself found (see {@link IntentStream#settle}), why; else
 *     null (a rejection the caller decided has the caller's reason)
 */
public record IntentResult(
    String entryId,
    Status status,
    String notificationId,
    int cancelled,
    int published,
    String reason) {

  public IntentResult(
      String entryId, Status status, String notificationId, int cancelled, int published) {
    this(entryId, status, notificationId, cancelled, published, null);
  }

  public enum Status {
    /** Stored and scheduled. */
    ACCEPTED,
    /** Its producer and idempotency key named an earlier notification; nothing was scheduled. */
    DUPLICATE,
    /** The notification it named was cancelled (possibly before: cancelling twice is harmless). */
    CANCELLED,
    /** Copied to the rejected stream: invalid, or a cancel that named no notification. */
    REJECTED,
    /** Acknowledged only: the entry had been deleted from the stream. */
    DROPPED,
    /** No longer pending: another consumer settled it (after taking it over). Nothing done. */
    ALREADY_SETTLED
  }
}
