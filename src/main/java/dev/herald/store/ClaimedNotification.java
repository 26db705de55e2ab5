package dev.herald.store;

import dev.herald.domain.Notification;
import java.util.List;

/**
 * The claimed routes of one notification, with the notification read once for all of them.
 *
 * @param notification null when its record is missing or unreadable
 * @param corruption null, or why the notification could not be read; all its routes must then be
 *     dead-lettered as {@code corrupt_record}
 */
public record ClaimedNotification(
    String notificationId,
    Notification notification,
    String corruption,
    List<ClaimedRoute> routes) {

  public ClaimedNotification {
    routes = List.copyOf(routes);
    if ((notification == null) == (corruption == null)) {
      throw new IllegalArgumentException("exactly one of notification and corruption is set");
    }
  }

  public boolean isCorrupt() {
    return corruption != null;
  }
}
