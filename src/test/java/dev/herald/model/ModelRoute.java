package dev.herald.model;

import dev.herald.domain.RouteState;

/**
 * One route as the model holds it: the state the store must show for it. Leases are not a state
 * here but a fact about the route's group ({@link GroupLease}); the state is the one the route
 * waits in, or its end.
 */
final class ModelRoute {

  final int index;
  final String channel;
  final String recipient;

  /** Never {@link RouteState#LEASED}: see {@link ModelNotification#shownLease}. */
  RouteState state = RouteState.PENDING;

  int attempts;

  /** While waiting: when the next attempt is due (ms). */
  long due;

  /** Once published, dead, expired, cancelled or purged: when (ms). */
  long endedAt;

  /** Once published: its stream entry, when the model has learnt it. */
  String entryId;

  /** While a dead letter: the classification of the failure that made it one. */
  String deadClassification;

  /** Failed attempts in its history (capped, as the store keeps them). */
  int failures;

  String lastFailureKind;
  int lastFailureAttempt;

  ModelRoute(int index, String channel, String recipient, long due) {
    this.index = index;
    this.channel = channel;
    this.recipient = recipient;
    this.due = due;
  }

  String routeId() {
    return channel + ":" + recipient;
  }

  boolean waiting() {
    return state == RouteState.PENDING || state == RouteState.FAILED;
  }

  /** As accepted: pending, never attempted, never failed (its store may hold no field for it). */
  boolean untouched() {
    return state == RouteState.PENDING && attempts == 0 && failures == 0;
  }

  /** Published, expired, cancelled or purged: nothing will happen to it any more. */
  boolean finished() {
    return state == RouteState.PUBLISHED
        || state == RouteState.EXPIRED
        || state == RouteState.CANCELLED
        || state == RouteState.PURGED;
  }

  /** Waits again: pending with no attempts made, failed with some. */
  void waitUntil(int attemptsMade, long at) {
    attempts = attemptsMade;
    due = at;
    state = attemptsMade == 0 ? RouteState.PENDING : RouteState.FAILED;
  }

  void end(RouteState to, int attemptsMade, long at) {
    state = to;
    attempts = attemptsMade;
    endedAt = at;
  }

  void recordFailure(String kind, int attempt, int historyCap) {
    failures = Math.min(failures + 1, historyCap);
    lastFailureKind = kind;
    lastFailureAttempt = attempt;
  }

  /** The route figure it counts in now ({@code pending}, {@code failed}, …), or null for none. */
  String figureNow() {
    return switch (state) {
      case PENDING -> "pending";
      case FAILED -> "failed";
      case DEAD_LETTER -> "dead_letter." + deadClassification;
      default -> null;
    };
  }

  @Override
  public String toString() {
    return "#" + index + " " + routeId() + " " + state.displayName() + " attempts " + attempts;
  }
}
