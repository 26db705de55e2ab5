package dev.herald.domain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An accepted notification: what to send, to whom, on which channels. Immutable once accepted; the
 * state of its routes lives apart from it.
 *
 * <p>It fans out into {@link #routeCount()} routes, one per channel and recipient. A route's index
 * is {@code channelIndex * recipients.size() + recipientIndex}; stores use the index to keep routes
 * compact, everything user-facing uses the {@link RouteId}.
 *
 * @param id the notification id Herald assigned
 * @param idempotencyKey optional; with the producer it makes accepting idempotent
 * @param recipients distinct, in the order given
 * @param channels distinct, in the order given
 * @param payloadJson the payload as compact JSON text
 * @param requestId optional, copied to each event
 * @param traceId optional, copied to each event
 * @param sendAt when the routes first fall due
 * @param maxAttempts optional; when absent the configured {@code delivery.max-attempts} applies
 * @param acceptedAt when Herald accepted it
 * @param expiresAt optional; a route not published by then is never published: it ends expired
 */
public record Notification(
    String id,
    String type,
    String producer,
    String idempotencyKey,
    List<String> recipients,
    List<String> channels,
    String payloadJson,
    String requestId,
    String traceId,
    Instant sendAt,
    Integer maxAttempts,
    Instant acceptedAt,
    Instant expiresAt) {

  public Notification {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(producer, "producer");
    recipients = List.copyOf(recipients);
    channels = List.copyOf(channels);
    Objects.requireNonNull(payloadJson, "payloadJson");
    Objects.requireNonNull(sendAt, "sendAt");
    Objects.requireNonNull(acceptedAt, "acceptedAt");
    if (recipients.isEmpty() || channels.isEmpty()) {
      throw new IllegalArgumentException("a notification needs recipients and channels");
    }
  }

  public int routeCount() {
    return recipients.size() * channels.size();
  }

  public RouteId route(int index) {
    if (index < 0 || index >= routeCount()) {
      throw new IndexOutOfBoundsException(
          "route index " + index + " outside 0.." + (routeCount() - 1) + " of " + id);
    }
    int r = recipients.size();
    return new RouteId(channels.get(index / r), recipients.get(index % r));
  }

  /** The index of a route, or -1 when this notification has no such route. */
  public int indexOf(RouteId route) {
    int c = channels.indexOf(route.channel());
    int r = recipients.indexOf(route.recipient());
    return c < 0 || r < 0 ? -1 : c * recipients.size() + r;
  }

  public RouteRef ref(int index) {
    return new RouteRef(id, route(index));
  }

  /** The attempts this notification gets: its own limit, else the configured default. */
  public int maxAttemptsOr(int configured) {
    return maxAttempts != null ? maxAttempts : configured;
  }
}
