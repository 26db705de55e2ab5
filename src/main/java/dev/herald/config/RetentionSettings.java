package dev.herald.config;

import java.time.Duration;

/**
 * @param published how long a notification is kept once all its routes were published
 */
public record RetentionSettings(Duration published) {
  public RetentionSettings {
    published = published == null ? Duration.ofHours(24) : published;
  }

  static RetentionSettings defaults() {
    return new RetentionSettings(null);
  }
}
