package dev.herald.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one claim returned.
 *
 * @param notifications the claimed routes, grouped by notification
 * @param nextDueAt the earliest due time left in the schedule after this claim, if any: a worker
 *     that found less than a full batch sleeps until then
 * @param quarantined schedule entries the store set aside as unreadable, each with the reason
 * @param stoppedByBytes the claim stopped at its byte budget with routes still due: the batch is
 *     full although it has fewer routes than asked for
 * @param published the routes the claim published inline: recorded already, not leased, not in
 *     {@code notifications}; they count against the claim's route and byte limits like leased ones
 */
public record ClaimedBatch(
    List<ClaimedNotification> notifications,
    Optional<Instant> nextDueAt,
    List<String> quarantined,
    boolean stoppedByBytes,
    List<PublishedRoute> published) {

  public ClaimedBatch {
    notifications = List.copyOf(notifications);
    quarantined = List.copyOf(quarantined);
    published = List.copyOf(published);
  }

  public ClaimedBatch(
      List<ClaimedNotification> notifications,
      Optional<Instant> nextDueAt,
      List<String> quarantined,
      boolean stoppedByBytes) {
    this(notifications, nextDueAt, quarantined, stoppedByBytes, List.of());
  }

  public ClaimedBatch(
      List<ClaimedNotification> notifications,
      Optional<Instant> nextDueAt,
      List<String> quarantined) {
    this(notifications, nextDueAt, quarantined, false);
  }

  /** The routes leased: those the worker must complete. */
  public int routeCount() {
    return notifications.stream().mapToInt(n -> n.routes().size()).sum();
  }

  /** The routes taken: leased, and published inline. */
  public int takenCount() {
    return routeCount() + published.size();
  }
}
