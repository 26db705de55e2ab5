package dev.herald.store;

/**
 * What accepting one notification did.
 *
 * @param notificationId the new id, or the id of the notification the idempotency key already named
 * @param created false when it was a duplicate and nothing was scheduled
 */
public record AcceptResult(String notificationId, boolean created) {}
