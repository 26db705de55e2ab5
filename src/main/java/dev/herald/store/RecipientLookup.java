package dev.herald.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A recipient's notifications as the console and {@code herald routes find --recipient} show them:
 * the recipient index's newest entries, each read from the store, those deleted since (retention)
 * left out and counted.
 */
public final class RecipientLookup {

  /** One notification of the recipient, with the routes that are the recipient's. */
  public record Found(RecipientIndex.Entry entry, NotificationRecord record) {
    /** The routes of this notification to the recipient (one per channel). */
    public List<RouteRecord> routesOf(String recipient) {
      return record.routes().stream()
          .filter(r -> r.routeId() != null && r.routeId().recipient().equals(recipient))
          .toList();
    }
  }

  /**
   * @param gone entries of notifications deleted since they were indexed (their retention ran out)
   */
  public record Result(List<Found> found, int gone) {}

  private RecipientLookup() {}

  /**
   * Up to {@code limit} of the recipient's notifications, newest first.
   *
   * @throws IllegalStateException when the index is off: say how to turn it on, never pretend that
   *     the recipient has none
   */
  public static Result find(
      RecipientIndex index, NotificationStore store, String recipient, int limit) {
    if (!index.enabled()) {
      throw new IllegalStateException(
          "the recipient index is off: set console.recipient-index: true (and restart every"
              + " herald process that accepts notifications); notifications accepted from then"
              + " on can be found by recipient");
    }
    List<Found> found = new ArrayList<>();
    int gone = 0;
    for (RecipientIndex.Entry e : index.newest(recipient, limit)) {
      Optional<NotificationRecord> record = store.find(e.notificationId());
      if (record.isPresent()) {
        found.add(new Found(e, record.get()));
      } else {
        gone++;
      }
    }
    return new Result(found, gone);
  }
}
