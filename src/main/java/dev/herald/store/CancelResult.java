package dev.herald.store;

/**
 * What cancelling a notification did.
 *
 * @param notificationId the notification cancelled
 * @param cancelled routes that became cancelled now (0 when cancelled before: twice is harmless)
 * @param published routes that were published already and stay so
 * @param routes the routes cancelled now, by channel, with the notification's type
 */
public record CancelResult(
    String notificationId, int cancelled, int published, CancelledRoutes routes) {}
