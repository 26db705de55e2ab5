package dev.herald.domain;

import java.util.Arrays;
import java.util.Optional;

/**
 * The states a route moves through. Each has a one-letter code, the form it takes in Redis (the Lua
 * scripts use the same letters), and a name, the form users see in the CLI and JSON.
 *
 * <p>Allowed moves between them are in {@link RouteTransitions}.
 */
public enum RouteState {
  /** Accepted, waiting for its first attempt. */
  PENDING('p', "pending"),
  /** Claimed by a worker under a lease; the worker's publish is in flight. */
  LEASED('l', "leased"),
  /** An attempt failed; waiting for the retry its backoff set. */
  FAILED('f', "failed"),
  /** Appended to its stream; terminal. */
  PUBLISHED('s', "published"),
  /** Attempts ran out (or the record was broken); kept until requeued or purged. */
  DEAD_LETTER('d', "dead_letter"),
  /** Not published before the notification's expiry; terminal. */
  EXPIRED('x', "expired"),
  /** Cancelled before it was published; terminal. */
  CANCELLED('c', "cancelled"),
  /** A dead letter an operator (or the dead-letter retention) gave up on; terminal. */
  PURGED('z', "purged");

  private final char code;
  private final String displayName;

  RouteState(char code, String displayName) {
    this.code = code;
    this.displayName = displayName;
  }

  public char code() {
    return code;
  }

  public String displayName() {
    return displayName;
  }

  /** True for states no worker will act on again without an operator's requeue. */
  public boolean isTerminal() {
    return this == PUBLISHED || this == EXPIRED || this == CANCELLED || this == PURGED;
  }

  public static Optional<RouteState> fromCode(char code) {
    return Arrays.stream(values()).filter(s -> s.code == code).findFirst();
  }

  public static Optional<RouteState> fromDisplayName(String name) {
    return Arrays.stream(values()).filter(s -> s.displayName.equals(name)).findFirst();
  }
}
