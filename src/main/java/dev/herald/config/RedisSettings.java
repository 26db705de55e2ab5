package dev.herald.config;

import java.time.Duration;

/**
 * @param url {@code redis://…}; null means: run on the embedded Redis at 127.0.0.1:6399
 * @param timeout connect and command timeout
 */
public record RedisSettings(String url, Duration timeout) {
  public RedisSettings {
    timeout = timeout == null ? Duration.ofSeconds(2) : timeout;
  }

  static RedisSettings defaults() {
    return new RedisSettings(null, null);
  }

  /** Without the password, so that printing a config never shows it. */
  @Override
  public String toString() {
    return "RedisSettings[url="
        + (url == null ? null : ConfigValidator.redactedUrl(url))
        + ", timeout="
        + timeout
        + "]";
  }
}
