package dev.herald.domain;

/**
 * Which notification to cancel: by its id, or by the producer's idempotency key (which names it for
 * the idempotency window). Cancelling turns every route not yet published into {@code cancelled};
 * published routes stay published.
 *
 * @param notificationId set when cancelling by id, else null
 * @param producer set with {@code idempotencyKey}, else null
 * @param idempotencyKey set when cancelling by key, else null
 */
public record CancelRequest(String notificationId, String producer, String idempotencyKey) {

  public CancelRequest {
    if ((notificationId == null) == (idempotencyKey == null && producer == null)) {
      throw new IllegalArgumentException(
          "a cancel names either a notification id or a producer and idempotency key");
    }
  }

  public static CancelRequest byId(String notificationId) {
    return new CancelRequest(notificationId, null, null);
  }

  public static CancelRequest byIdempotencyKey(String producer, String idempotencyKey) {
    return new CancelRequest(null, producer, idempotencyKey);
  }

  /** How a person would name the target: the id, or {@code producer P, idempotency key K}. */
  public String describe() {
    return notificationId != null
        ? notificationId
        : "producer " + producer + ", idempotency key " + idempotencyKey;
  }
}
