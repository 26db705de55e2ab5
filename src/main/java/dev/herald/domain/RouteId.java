package dev.herald.domain;

import java.util.Objects;

/**
 * One delivery target of a notification: a channel and a recipient, written {@code
 * <channel>:<recipient>} (e.g. {@code push:u-1}). Channel names never contain a colon, so the first
 * colon separates the two parts even when the recipient holds colons itself.
 */
public record RouteId(String channel, String recipient) {

  public RouteId {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(recipient, "recipient");
    if (channel.indexOf(':') >= 0) {
      throw new IllegalArgumentException("channel must not contain ':' (was " + channel + ")");
    }
  }

  /** Parses {@code push:u-1}; throws {@link IllegalArgumentException} naming the input. */
  public static RouteId parse(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException(
          "route id must look like <channel>:<recipient>, e.g. push:u-1 (was '" + text + "')");
    }
    return new RouteId(text.substring(0, colon), text.substring(colon + 1));
  }

  @Override
  public String toString() {
    return channel + ':' + recipient;
  }
}
