package dev.herald.store;

import java.time.Instant;

/**
 * What Herald checks about the Redis server it runs on, besides that it answers: its clock (the
 * time base every Herald process shares) and whether it may evict Herald's keys.
 */
public interface ServerInfo {

  /**
   * Redis's clock now ({@code TIME}).
   *
   * @throws StoreUnavailableException when Redis does not answer
   */
  Instant time();

  /**
   * Redis's {@code maxmemory-policy}: by {@code CONFIG GET}, else (refused by an ACL or a managed
   * service) from {@code INFO memory}, else unknown, saying why.
   *
   * @throws StoreUnavailableException when Redis does not answer
   */
  EvictionPolicy evictionPolicy();

  /**
   * The server's role and replicas ({@code INFO replication}); {@link Replication#unknown()} when
   * it does not say.
   *
   * @throws StoreUnavailableException when Redis does not answer
   */
  default Replication replication() {
    return Replication.unknown();
  }
}
