package dev.herald.config;

import java.time.Duration;

/**
 * @param url {@code redis://…}; null: none configured (see {@code embedded})
 * @param timeout connect and command timeout
 * @param embedded true: run on the embedded Redis at 127.0.0.1:6399 ({@code herald run} starts it).
 *     Unset in a config file means false, so that a file that lost its {@code redis.url} is refused
 *     instead of quietly running on a fresh empty Redis; without any config file the loader sets it
 *     (the quick start)
 */
public record RedisSettings(String url, Duration timeout, Boolean embedded) {
  public RedisSettings {
    timeout = timeout == null ? Duration.ofSeconds(2) : timeout;
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

  /** Without the password, so that printing a config never shows it. */
  @Override
  public String toString() {
    return "RedisSettings[url="
        + (url == null ? null : ConfigValidator.redactedUrl(url))
        + ", timeout="
        + timeout
        + ", embedded="
        + embedded
        + "]";
  }
}
