package dev.herald.domain;

import java.util.Objects;

/**
 * A delivery channel (e.g. {@code push}) and the stream its routes are appended to.
 *
 * @param name as used in notifications' {@code channels}
 * @param stream the Redis stream key (not namespaced: consumers read it by this name)
 * @param maxLength the approximate bound given to {@code XADD ... MAXLEN ~}
 */
public record Channel(String name, String stream, long maxLength) {
  public Channel {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(stream, "stream");
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be positive (was " + maxLength + ")");
    }
  }
}
