package dev.herald.intake;

import dev.herald.domain.Notification;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Where {@link Intake} puts notifications, with their final ids, when the store cannot take them
 * within its budget: a durable local queue that replays them into the store later, in order. The
 * spool package implements it on files.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>{@link #append} returns only once the notifications are durable as the spool's settings say
 *       (after an fsync, unless the spool syncs on an interval); afterwards they are replayed into
 *       the store exactly as given (same id, same record), in the order appended.
 *   <li>While {@link #holdsRecordsOf} a producer, a notification of that producer accepted directly
 *       by the store could overtake its earlier ones still in the spool: the intake appends that
 *       producer's notifications to the spool instead, until the spool has replayed them. Other
 *       producers' notifications go to the store: no order between producers is promised.
 * </ul>
 */
public interface IntakeSpool {

  /**
   * True while notifications of {@code producer} wait in the spool (or are being appended to it),
   * and until each is in the store (or set aside).
   */
  boolean holdsRecordsOf(String producer);

  /**
   * Waits up to {@code max} until the spool holds no notification of any of {@code producers}
   * (replaying them sooner for it), so that their next ones may go to the store; false when they
   * are still there then, or at once when the spool's backlog could not be replayed within {@code
   * max}.
   */
  boolean awaitReplayed(Collection<String> producers, Duration max);

  /**
   * Appends durably, in order.
   *
   * @throws SpoolRefusedException when the spool is full or cannot write; nothing was appended
   */
  void append(List<Notification> notifications);

  /**
   * Appends a cancel of a notification that is in the spool, durably, behind it: the replay cancels
   * it once it has put it into the store.
   *
   * @throws SpoolRefusedException when the spool is full or cannot write; nothing was appended
   */
  void appendCancel(String notificationId, String producer, Instant at);

  /** The notification, while it waits in the spool (not replayed yet); else empty. */
  Optional<SpooledNotification> find(String notificationId);

  /**
   * A notification waiting in the spool.
   *
   * @param cancelSpooled a cancel of it waits behind it
   */
  record SpooledNotification(Notification notification, boolean cancelSpooled) {}

  /** The spool did not take the notifications: it is full, or its disk failed. */
  final class SpoolRefusedException extends RuntimeException {
    private final String reason;

    /**
     * @param reason a short label for metrics: {@code full} or {@code io}
     */
    public SpoolRefusedException(String reason, String message, Throwable cause) {
      super(message, cause);
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }
}
