package dev.herald.publish;

import dev.herald.domain.Failure;
import java.time.Duration;

/**
 * What the publisher tells the outside world (metrics, health) as it works. Called on worker
 * threads; implementations must be thread-safe and quick. Every method has a no-op default.
 */
public interface PublisherListener {

  PublisherListener NONE = new PublisherListener() {};

  /** A claim returned {@code routes} routes (possibly none) and took {@code took}. */
  default void onClaimed(int routes, Duration took) {}

  /** The route is in its stream; {@code lag} is the time from its due time to the append. */
  default void onPublished(RouteInfo route, Duration lag) {}

  default void onRetryScheduled(RouteInfo route, Failure failure) {}

  default void onDeadLettered(RouteInfo route, Failure failure) {}

  /**
   * The route was not appended because its notification's {@code expires_at} had passed; it ended
   * expired. (Routes that expire before they are claimed are counted in the store's {@code expired}
   * counter only.)
   */
  default void onExpired(RouteInfo route) {}

  /**
   * Not tried because its stream's breaker is open, or refused by the stream for a reason that is
   * not the route's: the route waits again without being charged an attempt.
   */
  default void onDeferred(RouteInfo route) {}

  /**
   * The stream refuses appends (for {@code reason}): its breaker in this process opened, and its
   * routes wait, uncharged, while one probes it.
   */
  default void onBreakerOpened(String stream, String reason) {}

  /** The stream takes appends again: its breaker in this process closed after {@code openFor}. */
  default void onBreakerClosed(String stream, Duration openFor) {}

  /** Another worker owned the route by the time we completed it; our result was dropped. */
  default void onLeaseLost(RouteInfo route) {}

  /** A broken record was found: a route dead-lettered as corrupt, or a schedule entry set aside. */
  default void onCorruptRecord(String description) {}

  /** A batch finished (claim to completion) with {@code routes} routes in {@code took}. */
  default void onBatchCompleted(int routes, Duration took) {}

  /** The stream could not take appends for a reason that is not the route's (OOM, READONLY…). */
  default void onSinkUnavailable(String error) {}

  /** A cycle failed as a whole; the loop backs off. */
  default void onCycleFailed(RuntimeException error) {}

  /** A cycle ran to its end, whether or not it found work. */
  default void onCycleSucceeded() {}

  /** The calling worker stopped, as asked (a stop, or a shrink): it will not loop again. */
  default void onWorkerStopped() {}

  /**
   * The dead-letter retention purged {@code count} of the oldest dead letters; {@code reason} is
   * the cap that made it, {@code max-count} or {@code max-age}.
   */
  default void onDeadLettersPurged(int count, String reason) {}
}
