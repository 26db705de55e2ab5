package dev.herald.store;

/**
 * How one entry was settled.
 *
 * @param notificationId the notification accepted, found a duplicate of, or cancelled; else null
 * @param cancelled for a cancel, the routes cancelled by it; else 0
 * @param published for a cancel, the routes already published, which stay so; else 0
 * @param reason for a rejection the store itself found (see {@link IntentStream#settle}), why; else
 *     null (a rejection the caller decided has the caller's reason)
 * @param cancelledRoutes for a cancel, the routes cancelled by it, by channel; else none
 */
public record IntentResult(
    String entryId,
    Status status,
    String notificationId,
    int cancelled,
    int published,
    String reason,
    CancelledRoutes cancelledRoutes) {

  /** A result that is not a cancel's, with the reason of a rejection the store found. */
  public IntentResult(String entryId, Status status, String notificationId, String reason) {
    this(entryId, status, notificationId, 0, 0, reason, CancelledRoutes.NONE);
  }

  /** A result that is not a cancel's. */
  public IntentResult(String entryId, Status status, String notificationId) {
    this(entryId, status, notificationId, null);
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
