package dev.herald.cli;

import dev.herald.domain.NotificationIds;
import dev.herald.domain.RouteId;
import dev.herald.domain.RouteRef;

/**
 * A notification or one of its routes, as people paste what the CLI printed: {@code ID}, {@code
 * ID/push:u-1}, or {@code ID/#3} (a route of a notification whose record is unreadable), the id in
 * any case (ids are Crockford base32, read without regard to case). Anything else is bad input
 * (exit 65) everywhere, with the forms that are allowed.
 *
 * @param notificationId in upper case, as Herald stores it
 * @param route the route named by its id, or null
 * @param index the route named by its index ({@code #3}), or null
 */
record Ref(String notificationId, RouteId route, Integer index) {

  static final String FORMS =
      "a notification id as `herald submit` prints it (26 characters, e.g."
          + " 01JDQ5XKZ7W3M1V9Y4T0R8E6PA), or one of its routes as the dead-letter commands print"
          + " it (01JDQ5XKZ7W3M1V9Y4T0R8E6PA/push:u-1)";

  /** Reads {@code text}; throws {@link BadInputException} naming the forms allowed. */
  static Ref parse(String text) {
    String t = text == null ? "" : text.strip();
    int slash = t.indexOf('/');
    String id = slash < 0 ? t : t.substring(0, slash);
    if (!NotificationIds.isId(id)) {
      throw new BadInputException("'" + text + "' is not " + FORMS);
    }
    String canonical = NotificationIds.canonical(id);
    if (slash < 0) {
      return new Ref(canonical, null, null);
    }
    String route = t.substring(slash + 1);
    if (route.matches("#\\d{1,5}")) {
      return new Ref(canonical, null, Integer.parseInt(route.substring(1)));
    }
    try {
      return new Ref(canonical, RouteId.parse(route), null);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("'" + text + "': " + e.getMessage());
    }
  }

  /** A notification id; a route of it is refused as bad input, with {@code why}. */
  static String notificationOnly(String text, String why) {
    Ref ref = parse(text);
    if (!ref.isNotification()) {
      throw new BadInputException(
          "'" + text + "' names a route; " + why + ": give " + ref.notificationId());
    }
    return ref.notificationId();
  }

  boolean isNotification() {
    return route == null && index == null;
  }

  /** The route named by its id, or null. */
  RouteRef routeRef() {
    return route == null ? null : new RouteRef(notificationId, route);
  }

  @Override
  public String toString() {
    if (route != null) {
      return notificationId + "/" + route;
    }
    return index != null ? notificationId + "/#" + index : notificationId;
  }
}
