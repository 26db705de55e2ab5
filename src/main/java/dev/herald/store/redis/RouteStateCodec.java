package dev.herald.store.redis;

import dev.herald.domain.Notification;
import dev.herald.domain.RouteState;
import dev.herald.store.CorruptRecordException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads what the Lua scripts write in a notification's route hash (formats in lib/states.lua). The
 * scripts are the only writers.
 */
final class RouteStateCodec {

  /**
   * The letter of each state a route's field holds (lib/states.lua's KNOWN). {@link
   * RouteState#LEASED} has none: a route is leased while its group's lease field covers it.
   */
  static final Map<Character, RouteState> LETTERS =
      Map.of(
          'p', RouteState.PENDING,
          'f', RouteState.FAILED,
          's', RouteState.PUBLISHED,
          'd', RouteState.DEAD_LETTER,
          'x', RouteState.EXPIRED,
          'c', RouteState.CANCELLED,
          'z', RouteState.PURGED);

  /**
   * One route's stored state.
   *
   * @param time due time (pending, failed), published time, or when it ended
   */
  record PackedState(RouteState state, int attempts, Instant time, String entryId) {}

  /**
   * A group's lease.
   *
   * @param claimedAt when it was taken: the routes it covers were due by then
   * @param last the last route index of the group
   */
  record Lease(String token, Instant until, Instant claimedAt, int last) {}

  private RouteStateCodec() {}

  /**
   * The route hash of notification {@code n} as read whole ({@code HGETALL}: {@code hash}), or,
   * when it has none (stored format 3 writes none until the notification's first change), what it
   * would hold with every route untouched: {@code open} and {@code n} the route count, {@code
   * type}, {@code due} its send time, {@code exp} its expiry when set. lib/figures.lua's
   * implied_route_fields is the same rule in Lua, and the first script to change the notification
   * writes these fields.
   */
  static Map<String, String> orImplied(Map<String, String> hash, Notification n) {
    if (!hash.isEmpty()) {
      return hash;
    }
    Map<String, String> implied = new HashMap<>();
    String count = Integer.toString(n.routeCount());
    implied.put("open", count);
    implied.put("type", n.type());
    implied.put("due", Long.toString(n.sendAt().toEpochMilli()));
    implied.put("n", count);
    if (n.expiresAt() != null) {
      implied.put("exp", Long.toString(n.expiresAt().toEpochMilli()));
    }
    return implied;
  }

  /**
   * A route hash read whole with the routes its packed fields list (stored format 4: {@code
   * P<first>} = {@code <first index>|<attempts>|<published at ms>|<id>,<id>,...} runs separated by
   * {@code ;}, lib/states.lua) as the per-route {@code s|<attempts>|<at>|<id>} fields earlier
   * formats write, and no packed field left: a listed route is published whatever its own field
   * says (a failed route published inline keeps its stale field). The hash itself when it has no
   * packed field. Every reader of a route hash in Java reads it through here.
   *
   * @throws CorruptRecordException when a packed field does not read (its routes are then not told)
   */
  static Map<String, String> withPublished(Map<String, String> hash) {
    Map<String, String> out = null;
    for (Map.Entry<String, String> field : hash.entrySet()) {
      if (!isPackedField(field.getKey())) {
        continue;
      }
      if (out == null) {
        out = new HashMap<>(hash);
      }
      out.remove(field.getKey());
      for (String run : field.getValue().split(";")) {
        String[] parts = run.split("\\|", -1);
        if (parts.length != 4
            || !isRouteIndex(parts[0])
            || !isRouteIndex(parts[1])
            || !isRouteIndex(parts[2])
            || parts[3].isEmpty()) {
          throw new CorruptRecordException(
              "unreadable published routes '" + run + "' in field " + field.getKey());
        }
        int index = Integer.parseInt(parts[0]);
        String prefix = "s|" + parts[1] + "|" + parts[2] + "|";
        for (String id : parts[3].split(",")) {
          out.put(Integer.toString(index++), prefix + id);
        }
      }
    }
    return out == null ? hash : out;
  }

  /** True for the name of a group's packed field of published routes ({@code P<first>}). */
  static boolean isPackedField(String field) {
    return field.length() > 1 && field.charAt(0) == 'P' && isRouteIndex(field.substring(1));
  }

  /**
   * The state text of route {@code index} in a route hash as read whole ({@code HGETALL}): its
   * field, or for an untouched route, which has none, the pending text it stands for (the hash's
   * {@code due} and {@code n}, lib/states.lua's untouched_state); null when there is no such route.
   * A hash without {@code due} (stored by an earlier version) has a field for every route.
   */
  static String stateText(Map<String, String> hash, int index) {
    String raw = hash.get(Integer.toString(index));
    if (raw != null) {
      return raw;
    }
    String due = hash.get("due");
    String count = hash.get("n");
    if (due == null || count == null) {
      return null;
    }
    try {
      return index >= 0 && index < Integer.parseInt(count) ? "p|0|" + Long.parseLong(due) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * How many routes a route hash read whole holds: its {@code n}, else (stored by an earlier
   * version) its route fields.
   */
  static int routeCount(Map<String, String> hash) {
    String count = hash.get("n");
    if (count != null && hash.containsKey("due")) {
      try {
        return Integer.parseInt(count);
      } catch (NumberFormatException e) {
        // an unreadable count: the fields are all that can be told
      }
    }
    int fields = 0;
    for (String field : hash.keySet()) {
      if (isRouteIndex(field)) {
        fields++;
      }
    }
    return fields;
  }

  /**
   * True for a route field's name (a route index), false for open, exp, type, due, n, a lease, a
   * packed field.
   */
  static boolean isRouteIndex(String field) {
    if (field.isEmpty()) {
      return false;
    }
    for (int i = 0; i < field.length(); i++) {
      if (!Character.isDigit(field.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** The state, or null when the text is not one the scripts write. */
  static PackedState parse(String raw) {
    if (raw == null) {
      return null;
    }
    String[] parts = raw.split("\\|", 4);
    if (parts.length < 3 || parts[0].length() != 1) {
      return null;
    }
    RouteState state = LETTERS.get(parts[0].charAt(0));
    if (state == null) {
      return null;
    }
    boolean published = state == RouteState.PUBLISHED;
    if (published != (parts.length == 4)) {
      return null;
    }
    try {
      return new PackedState(
          state,
          Integer.parseInt(parts[1]),
          Instant.ofEpochMilli(Long.parseLong(parts[2])),
          published ? parts[3] : null);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * The state of a route that waits for a worker after {@code attempts} attempts, as
   * lib/states.lua's waiting_code writes it: pending with none made, else failed.
   */
  static RouteState waiting(int attempts) {
    return attempts == 0 ? RouteState.PENDING : RouteState.FAILED;
  }

  /** The state a letter stands for, or null. */
  static RouteState ofLetter(String letter) {
    return letter.length() == 1 ? LETTERS.get(letter.charAt(0)) : null;
  }

  /** A lease field's value, or null when there is none (empty) or it is unreadable. */
  static Lease parseLease(String raw) {
    if (raw == null) {
      return null;
    }
    String[] parts = raw.split("\\|");
    if (parts.length != 5) {
      return null;
    }
    try {
      return new Lease(
          parts[0],
          Instant.ofEpochMilli(Long.parseLong(parts[1])),
          Instant.ofEpochMilli(Long.parseLong(parts[2])),
          Integer.parseInt(parts[3]));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
