package dev.herald.config;

import java.time.Duration;

/**
 * Replica-acknowledged writes ({@code durability}): after each batch that changed Herald's state,
 * {@code WAIT replicas replica-timeout} on the same connection.
 *
 * @param replicas replicas that must have each batch before the next; 0: no WAIT (Redis's
 *     asynchronous replication alone)
 * @param replicaTimeout how long a batch waits for them; one not acknowledged in time is counted
 *     and logged, not undone
 */
public record DurabilitySettings(Integer replicas, Duration replicaTimeout) {

  public DurabilitySettings {
    replicas = replicas == null ? 0 : replicas;
    replicaTimeout = replicaTimeout == null ? Duration.ofSeconds(1) : replicaTimeout;
  }

  public static DurabilitySettings defaults() {
    return new DurabilitySettings(null, null);
  }

  /** True when batches wait for replicas. */
  public boolean waits() {
    return replicas > 0;
  }
}
