package dev.herald.intake;

import dev.herald.store.CancelledRoutes;

/**
 * What the intake tells the outside world (metrics). Called on intake threads; implementations must
 * be thread-safe and quick. Every method has a no-op default.
 */
public interface IntakeListener {

  IntakeListener NONE = new IntakeListener() {};

  /** Notifications stored and scheduled, with their routes. */
  default void onAccepted(int notifications, int routes) {}

  /** Notifications whose idempotency key named an earlier one; nothing was scheduled. */
  default void onDuplicate(int notifications) {}

  /**
   * One notification refused as invalid.
   *
   * @param source where it came from: {@code api} (Java API and CLI) or {@code stream}
   * @param field the first field named in the refusal, e.g. {@code recipients}
   */
  default void onRejected(String source, String field) {}

  /**
   * A notification was cancelled (from the stream, the API or the CLI).
   *
   * @param routes the routes that became cancelled, by channel (none when it had been cancelled
   *     before)
   */
  default void onCancelled(String notificationId, CancelledRoutes routes) {}
}
