package dev.herald.store.redis;

import dev.herald.domain.RouteState;
import java.time.Instant;
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
