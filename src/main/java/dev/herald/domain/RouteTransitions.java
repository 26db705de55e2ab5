package dev.herald.domain;

import static dev.herald.domain.RouteState.CANCELLED;
import static dev.herald.domain.RouteState.DEAD_LETTER;
import static dev.herald.domain.RouteState.EXPIRED;
import static dev.herald.domain.RouteState.FAILED;
import static dev.herald.domain.RouteState.LEASED;
import static dev.herald.domain.RouteState.PENDING;
import static dev.herald.domain.RouteState.PUBLISHED;
import static dev.herald.domain.RouteState.PURGED;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The one table of allowed route state changes. The Lua scripts implement its edges atomically;
 * {@code RouteTransitionsScriptIT} checks that the scripts make exactly these moves, and the store
 * checks each move a completion reports against it.
 *
 * <pre>
 *   pending ──claim──▶ leased ──publish──▶ published
 *   failed  ──claim──▶ leased ──retry────▶ failed
 *                      leased ──give up──▶ dead_letter ──requeue──▶ pending
 *                                          dead_letter ──requeue, keeping its attempts──▶ failed
 *                                          dead_letter ──purge──▶ purged
 *                      leased ──lease runs out, claimed again──▶ leased
 *                      leased ──deferred, uncharged (breaker open)──▶ pending | failed
 *   pending|failed ──claim, publishing inline──▶ published
 *   pending|failed|leased|dead_letter ──cancel──▶ cancelled
 *   pending|failed|leased ──expiry──▶ expired
 * </pre>
 */
public final class RouteTransitions {

  private static final Map<RouteState, Set<RouteState>> ALLOWED = new EnumMap<>(RouteState.class);

  static {
    ALLOWED.put(PENDING, EnumSet.of(LEASED, PUBLISHED, CANCELLED, EXPIRED));
    ALLOWED.put(FAILED, EnumSet.of(LEASED, PUBLISHED, CANCELLED, EXPIRED));
    ALLOWED.put(
        LEASED, EnumSet.of(PENDING, LEASED, PUBLISHED, FAILED, DEAD_LETTER, CANCELLED, EXPIRED));
    ALLOWED.put(DEAD_LETTER, EnumSet.of(PENDING, FAILED, CANCELLED, PURGED));
    ALLOWED.put(PUBLISHED, EnumSet.noneOf(RouteState.class));
    ALLOWED.put(EXPIRED, EnumSet.noneOf(RouteState.class));
    ALLOWED.put(CANCELLED, EnumSet.noneOf(RouteState.class));
    ALLOWED.put(PURGED, EnumSet.noneOf(RouteState.class));
  }

  private RouteTransitions() {}

  public static boolean allows(RouteState from, RouteState to) {
    return ALLOWED.get(from).contains(to);
  }

  /** Throws {@link IllegalTransitionException} naming both states unless the move is allowed. */
  public static void check(RouteState from, RouteState to) {
    if (!allows(from, to)) {
      throw new IllegalTransitionException(from, to);
    }
  }

  /** A move the table does not allow. */
  public static final class IllegalTransitionException extends IllegalStateException {
    public IllegalTransitionException(RouteState from, RouteState to) {
      super(
          "route cannot move from "
              + from.displayName()
              + " to "
              + to.displayName()
              + " (allowed from "
              + from.displayName()
              + ": "
              + (ALLOWED.get(from).isEmpty()
                  ? "nothing, it is final"
                  : ALLOWED.get(from).stream()
                      .map(RouteState::displayName)
                      .collect(java.util.stream.Collectors.joining(", ")))
              + ")");
    }
  }
}
