package dev.herald.store;

import dev.herald.domain.CancelRequest;
import dev.herald.domain.Notification;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The intake's and the CLI's port to stored notifications.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>{@link #accept} stores each notification with all its routes and schedule entries in one
 *       atomic step for the whole batch: after a crash either all of a batch is there or none of
 *       it.
 *   <li>A notification whose producer and idempotency key match one accepted less than {@code
 *       idempotencyWindow} before {@code now} is not stored again; its result names the earlier id.
 *       This also holds between two notifications of the same batch.
 *   <li>Accepting a notification whose id is stored already with the identical record (the same
 *       {@link Notification}, accepted again after a reply was lost: {@link
 *       StoreOutcomeUnknownException}) writes nothing and reports {@link
 *       AcceptResult.Status#ALREADY_STORED}; so repeating a call whose outcome is unknown, with the
 *       same notifications, can never store one twice. An id in use by any other record is refused
 *       ({@link StoreException}), with nothing of the batch written.
 *   <li>Accepting wakes publishers (of any process) waiting for work that is now due.
 *   <li>{@link #cancel} turns every route of the notification that is not published yet (pending,
 *       failed, leased or dead letter) into cancelled, in one atomic step; published routes stay. A
 *       worker holding a lease on such a route has its completion refused: nothing is appended
 *       after the cancel. Cancelling again changes nothing.
 *   <li>A notification with an {@code expires_at} has no route appended at or after that time: such
 *       routes end expired (see {@link RouteStore}).
 * </ul>
 */
public interface NotificationStore {

  /**
   * Stores the notifications; results are in the same order.
   *
   * @throws NotificationRefusedException when one of them cannot be stored for a reason of its own
   *     (nothing of the batch was written)
   */
  List<AcceptResult> accept(
      List<Notification> notifications, Instant now, Duration idempotencyWindow);

  /**
   * The notification and its routes.
   *
   * @throws CorruptRecordException when it exists but cannot be read
   */
  Optional<NotificationRecord> find(String notificationId);

  /**
   * Cancels the notification the request names (by id, or by idempotency key within {@code
   * idempotencyWindow}); empty when none matches.
   */
  Optional<CancelResult> cancel(CancelRequest request, Instant now, Duration idempotencyWindow);

  /**
   * The id of the notification a producer's idempotency key names, while the key is kept (for
   * {@code intake.idempotency-window} after the notification was accepted).
   */
  Optional<String> findIdByIdempotencyKey(String producer, String idempotencyKey);
}
