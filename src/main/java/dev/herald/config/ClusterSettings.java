package dev.herald.config;

import java.util.List;

/**
 * Redis Cluster ({@code redis.cluster}): Herald asks the seed nodes for the cluster's slots and
 * talks to each master for the slots it serves, following slot moves and failovers. TLS to the
 * nodes is {@code redis.tls}'s (the nodes are the Redis); the layout is sharded ({@code shards}).
 *
 * @param nodes seed nodes, {@code host:port} (port 6379 when left out); one that answers is enough
 * @param user the nodes' ACL user; null: none
 * @param password its password; null: none, or {@code HERALD_REDIS_PASSWORD}
 */
public record ClusterSettings(List<String> nodes, String user, String password) {

  public ClusterSettings {
    nodes = nodes == null ? List.of() : List.copyOf(nodes);
  }

  /** No cluster: {@code redis.url} (or the sentinels) names the server. */
  static ClusterSettings none() {
    return new ClusterSettings(null, null, null);
  }

  /** True when the config names seed nodes: Herald then runs on the cluster. */
  public boolean configured() {
    return !nodes.isEmpty();
  }

  /** Without the password, so that printing a config never shows it. */
  @Override
  public String toString() {
    return "ClusterSettings[nodes="
        + nodes
        + ", user="
        + user
        + ", password="
        + (password == null ? null : "***")
        + "]";
  }
}
