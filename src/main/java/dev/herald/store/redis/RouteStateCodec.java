package dev.herald.store.redis;

import dev.herald.domain.RouteState;
import java.time.Instant;

/**
 * Reads the packed route state that the Lua scripts write (format in lib.lua), for display. The
 * scripts are the only writers.
 */
final class RouteStateCodec {

  /**
   * One parsed state.
   *
   * @param time due time (pending, failed, leased), published time, or when it ended
   */
  record PackedState(
      RouteState state,
      int attempts,
      Instant time,
      String leaseToken,
      Instant leaseUntil,
      String entryId) {}

  private RouteStateCodec() {}

  /** The state, or null when the text is not one the scripts write. */
  static PackedState parse(String raw) {
    if (raw == null) {
      return null;
    }
    String[] parts = raw.split("\\|", -1);
    if (parts.length < 3 || parts[0].length() != 1) {
      return null;
    }
    RouteState state = RouteState.fromCode(parts[0].charAt(0)).orElse(null);
    if (state == null) {
      return null;
    }
    try {
      int attempts = Integer.parseInt(parts[1]);
      Instant time = Instant.ofEpochMilli(Long.parseLong(parts[2]));
      return switch (state) {
        case LEASED ->
            parts.length == 5
                ? new PackedState(
                    state,
                    attempts,
                    time,
                    parts[3],
                    Instant.ofEpochMilli(Long.parseLong(parts[4])),
                    null)
                : null;
        case PUBLISHED ->
            parts.length == 4 ? new PackedState(state, attempts, time, null, null, parts[3]) : null;
        default ->
            parts.length == 3 ? new PackedState(state, attempts, time, null, null, null) : null;
      };
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
