package dev.herald.publish;

import dev.herald.backoff.RetryPlanner;
import dev.herald.store.RouteStore;
import java.time.Duration;

/**
 * What a publish cycle needs from the configuration. Read afresh for every cycle, so that a
 * reloaded config applies from the next batch on.
 *
 * @param batchSize most routes per claim
 * @param lease how long a claim holds its routes
 * @param retries backoff and dead-letter decisions
 * @param maxAttempts attempts for routes whose notification sets none
 * @param batchBytes most bytes of events (estimated) per claim; at least one route is claimed
 * @param inlinePublish whether the claim publishes the routes of channels whose breaker is closed
 *     itself; false: every route is leased, encoded and completed
 */
public record PublishSettings(
    int batchSize,
    Duration lease,
    RetryPlanner retries,
    int maxAttempts,
    long batchBytes,
    boolean inlinePublish) {

  /** With the default byte budget, publishing inline. */
  public PublishSettings(int batchSize, Duration lease, RetryPlanner retries, int maxAttempts) {
    this(batchSize, lease, retries, maxAttempts, RouteStore.DEFAULT_BATCH_BYTES, true);
  }
}
