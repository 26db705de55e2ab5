package dev.herald.config;

import java.time.Duration;

/**
 * @param url {@code redis://…}; null: none configured (see {@code embedded}). With {@code
 *     sentinel}, its host is the master name and it has no port: the sentinels say where the
 *     primary is, the URL gives its user, password, database and scheme
 * @param timeout connect and command timeout
 * @param embedded true: run on the embedded Redis at 127.0.0.1:6399 ({@code herald run} starts it).
 *     Unset in a config file means false, so that a file that lost its {@code redis.url} is refused
 *     instead of quietly running on a fresh empty Redis; without any config file the loader sets it
 *     (the quick start)
 * @param sentinel the sentinels to ask for the primary; unless {@link
 *     SentinelSettings#configured()}, {@code url} names the server
 * @param tls how TLS to Redis checks and presents certificates
 * @param cluster the seed nodes of a Redis Cluster; unless {@link ClusterSettings#configured()},
 *     {@code url} (or {@code sentinel}) names the server
 */
public record RedisSettings(
    String url,
    Duration timeout,
    Boolean embedded,
    SentinelSettings sentinel,
    RedisTlsSettings tls,
    ClusterSettings cluster) {
  public RedisSettings {
    timeout = timeout == null ? Duration.ofSeconds(2) : timeout;
    tls = tls == null ? RedisTlsSettings.defaults() : tls;
    sentinel = sentinel == null ? SentinelSettings.none() : sentinel;
    cluster = cluster == null ? ClusterSettings.none() : cluster;
  }

  public RedisSettings(
      String url,
      Duration timeout,
      Boolean embedded,
      SentinelSettings sentinel,
      RedisTlsSettings tls) {
    this(url, timeout, embedded, sentinel, tls, null);
  }

  public RedisSettings(String url, Duration timeout, Boolean embedded) {
    this(url, timeout, embedded, null, null);
  }

  public RedisSettings(String url, Duration timeout) {
    this(url, timeout, null);
  }

  static RedisSettings defaults() {
    return new RedisSettings(null, null, null);
  }

  /** True when the config asks for the embedded Redis ({@code redis.embedded: true}). */
  public boolean wantsEmbedded() {
    return Boolean.TRUE.equals(embedded);
  }

  /** This, on another URL (and not embedded); Sentinel, TLS and cluster settings stay. */
  RedisSettings withUrl(String url, Boolean embedded) {
    return new RedisSettings(url, timeout, embedded, sentinel, tls, cluster);
  }

  /** Without the password, so that printing a config never shows it. */
  @Override
  public String toString() {
    return "RedisSettings[url="
        + (url == null ? null : ConfigValidator.redactedUrl(url))
        + ", timeout="
        + timeout
        + ", embedded="
        + embedded
        + ", sentinel="
        + sentinel
        + ", tls="
        + tls
        + ", cluster="
        + cluster
        + "]";
  }
}
