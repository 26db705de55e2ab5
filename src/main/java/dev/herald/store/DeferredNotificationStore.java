package dev.herald.store;

import dev.herald.domain.CancelRequest;
import dev.herald.domain.Notification;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A {@link NotificationStore} whose backend comes later: until {@link #connect} every call fails as
 * Redis being unavailable (nothing sent). Lets the HTTP API answer, from its spool, while Herald is
 * still waiting for Redis at start.
 */
public final class DeferredNotificationStore implements NotificationStore {

  private volatile NotificationStore target;

  public void connect(NotificationStore store) {
    this.target = store;
  }

  private NotificationStore target() {
    NotificationStore t = target;
    if (t == null) {
      throw new StoreUnavailableException("not connected to Redis yet (Herald is starting)", null);
    }
    return t;
  }

  @Override
  public List<AcceptResult> accept(
      List<Notification> notifications, Instant now, Duration idempotencyWindow) {
    return target().accept(notifications, now, idempotencyWindow);
  }

  @Override
  public Optional<NotificationRecord> find(String notificationId) {
    return target().find(notificationId);
  }

  @Override
  public Optional<CancelResult> cancel(
      CancelRequest request, Instant now, Duration idempotencyWindow) {
    return target().cancel(request, now, idempotencyWindow);
  }

  @Override
  public Optional<String> findIdByIdempotencyKey(String producer, String idempotencyKey) {
    return target().findIdByIdempotencyKey(producer, idempotencyKey);
  }
}
