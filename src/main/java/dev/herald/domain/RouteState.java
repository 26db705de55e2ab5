package dev.herald.domain;

import java.util.Arrays;
import java.util.Optional;

/**
 * The states a route moves through, each with the name users see in the CLI and JSON. Allowed moves
 * between them are in {@link RouteTransitions}.
 */
public enum RouteState {
  /** Accepted, waiting for its first attempt. */
  PENDING("pending"),
  /** Claimed by a worker under a lease; the worker's publish is in flight. */
  LEASED("leased"),
  /** An attempt failed; waiting for the retry its backoff set. */
  FAILED("failed"),
  /** Appended to its stream; final. */
  PUBLISHED("published"),
  /** Attempts ran out (or the record was broken); kept until requeued or purged. */
  DEAD_LETTER("dead_letter"),
  /** Not published before the notification's expiry; final. */
  EXPIRED("expired"),
  /** Cancelled before it was published; final. */
  CANCELLED("cancelled"),
  /** A dead letter an operator (or the dead-letter retention) gave up on; final. */
  PURGED("purged");

  private final String displayName;

  RouteState(String displayName) {
    this.displayName = displayName;
  }

  public String displayName() {
    return displayName;
  }

  public static Optional<RouteState> fromDisplayName(String name) {
    return Arrays.stream(values()).filter(s -> s.displayName.equals(name)).findFirst();
  }
}
