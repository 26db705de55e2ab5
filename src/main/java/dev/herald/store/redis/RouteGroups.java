package dev.herald.store.redis;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a notification's routes into schedule groups of at most {@value #SIZE}: one schedule entry
 * per group rather than per route keeps the schedule small (a sorted-set entry costs ~140 bytes)
 * while bounding the routes a claim reads for one entry.
 */
final class RouteGroups {

  static final int SIZE = 64;

  private RouteGroups() {}

  /** The schedule members, {@code <id>:<first>-<last>}, for {@code routeCount} routes. */
  static List<String> members(String notificationId, int routeCount) {
    List<String> members = new ArrayList<>((routeCount + SIZE - 1) / SIZE);
    for (int first = 0; first < routeCount; first += SIZE) {
      int last = Math.min(first + SIZE, routeCount) - 1;
      members.add(notificationId + ":" + first + "-" + last);
    }
    return members;
  }
}
