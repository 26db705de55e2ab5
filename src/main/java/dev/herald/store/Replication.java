package dev.herald.store;

import java.util.List;

/**
 * The replication state of the Redis server Herald talks to ({@code INFO replication}).
 *
 * @param role {@code master} or {@code slave} (Redis's words)
 * @param connectedReplicas replicas connected to it ({@code connected_slaves})
 * @param replicas each connected replica: address, state and lag
 * @param offset its replication offset ({@code master_repl_offset})
 */
public record Replication(String role, int connectedReplicas, List<Replica> replicas, long offset) {

  public Replication {
    replicas = List.copyOf(replicas);
  }

  /**
   * One replica, as its primary sees it.
   *
   * @param address {@code ip:port}
   * @param state {@code online}, {@code wait_bgsave}, …
   * @param offset the replication offset it acknowledged
   * @param lagSeconds seconds since its last acknowledgement
   */
  public record Replica(String address, String state, long offset, long lagSeconds) {}

  /** Unknown: the server did not say (an old version, or INFO refused). */
  public static Replication unknown() {
    return new Replication("unknown", 0, List.of(), -1);
  }
}
