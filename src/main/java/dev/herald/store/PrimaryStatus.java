package dev.herald.store;

/**
 * Which server the store writes to, and what following it has cost: read by the ops side for {@code
 * /readyz} and the metrics, and by {@code herald stats}.
 */
public interface PrimaryStatus {

  /** {@code host:port} of the primary the store sends its commands to now. */
  String primary();

  /** True when the sentinels name the primary, false for one configured server. */
  boolean sentinel();

  /** Failovers this process followed: times the sentinels named another primary. */
  long failoversFollowed();

  /**
   * State-changing batches of this process that fewer replicas than {@code durability.replicas}
   * acknowledged within {@code durability.replica-timeout}; 0 when Herald does not wait.
   */
  long unacknowledgedBatches();
}
