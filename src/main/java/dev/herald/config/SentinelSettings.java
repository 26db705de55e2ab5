package dev.herald.config;

import java.util.List;

/**
 * Redis under Sentinel ({@code redis.sentinel}): Herald asks the sentinels where the primary is and
 * follows each failover they announce, without a restart.
 *
 * @param master the name the sentinels monitor the primary under ({@code sentinel monitor NAME})
 * @param nodes the sentinels, {@code host:port} (port 26379 when left out); one that answers is
 *     enough, all are listened to
 * @param user the sentinels' ACL user; null: none (the primary's user is in {@code redis.url})
 * @param password their password; null: none, or {@code HERALD_REDIS_SENTINEL_PASSWORD}
 * @param tls TLS to the sentinels: off unless {@code enabled}; unset keys take {@code redis.tls}'s
 */
public record SentinelSettings(
    String master, List<String> nodes, String user, String password, RedisTlsSettings tls) {

  public static final int DEFAULT_PORT = 26379;

  public SentinelSettings {
    nodes = nodes == null ? List.of() : List.copyOf(nodes);
    tls = tls == null ? RedisTlsSettings.defaults() : tls;
  }

  /** No sentinels: {@code redis.url} names the server. */
  static SentinelSettings none() {
    return new SentinelSettings(null, null, null, null, null);
  }

  /** True when the config names a master or sentinels: Herald then asks them for the primary. */
  public boolean configured() {
    return master != null || !nodes.isEmpty();
  }

  /** Without the password, so that printing a config never shows it. */
  @Override
  public String toString() {
    return "SentinelSettings[master="
        + master
        + ", nodes="
        + nodes
        + ", user="
        + user
        + ", password="
        + (password == null ? null : "***")
        + ", tls="
        + tls
        + "]";
  }
}
