package dev.herald.store;

/**
 * The store refused one notification of a batch for a reason of its own (its id in use by another
 * record, its idempotency key holding another type): nothing of the batch was written, and the rest
 * of it may be accepted without it. The message names the notification and the reason.
 */
public class NotificationRefusedException extends StoreException {

  private final String notificationId;

  public NotificationRefusedException(String notificationId, String message, Throwable cause) {
    super(message, cause);
    this.notificationId = notificationId;
  }

  /** The notification refused, as it was sent. */
  public String notificationId() {
    return notificationId;
  }
}
