package dev.herald.store;

import java.time.Instant;
import java.util.List;

/**
 * The notifications of a recipient, newest first: the opt-in index ({@code
 * console.recipient-index}) that accepts keep while it is on.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>While it is on, every notification accepted (by {@link NotificationStore#accept} or the
 *       intents stream) is in the index of each of its recipients, in the same atomic step as its
 *       routes. Notifications accepted while it was off, and imported dead letters, are not.
 *   <li>Each recipient keeps its newest {@link #maxPerRecipient} notifications; its index expires
 *       {@code retention.published} after the latest due time of the notifications it holds.
 *   <li>An entry may name a notification that was deleted since (its retention ran out): the caller
 *       reads each one and skips those that are gone.
 *   <li>With shards, a recipient's notifications may be in every shard: {@link #newest} gathers
 *       them from all of them.
 * </ul>
 */
public interface RecipientIndex {

  /** One notification of a recipient, and when it was accepted. */
  record Entry(String notificationId, Instant acceptedAt) {}

  /** Whether accepts keep the index (the config's {@code console.recipient-index}). */
  boolean enabled();

  /** The most notifications kept per recipient (0 when off). */
  int maxPerRecipient();

  /** Up to {@code limit} of the recipient's notifications, newest first; empty when off. */
  List<Entry> newest(String recipient, int limit);
}
