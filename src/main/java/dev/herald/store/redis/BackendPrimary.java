package dev.herald.store.redis;

import dev.herald.config.RedisEndpoint;
import dev.herald.store.PrimaryStatus;

/** {@link PrimaryStatus} of a backend: where its clients write now, as they follow failovers. */
final class BackendPrimary implements PrimaryStatus {

  private final FailoverLog failovers;
  private final ReplicaAcks acks;
  private final RedisEndpoint endpoint;

  BackendPrimary(FailoverLog failovers, ReplicaAcks acks, RedisEndpoint endpoint) {
    this.failovers = failovers;
    this.acks = acks;
    this.endpoint = endpoint;
  }

  @Override
  public String primary() {
    return failovers.primary();
  }

  @Override
  public boolean sentinel() {
    return failovers.sentinel();
  }

  @Override
  public long failoversFollowed() {
    return failovers.followed();
  }

  @Override
  public long unacknowledgedBatches() {
    return acks.unacknowledged();
  }

  String describe() {
    return sentinel()
        ? "primary " + primary() + " (master '" + endpoint.sentinels().master() + "')"
        : "primary " + primary();
  }
}
