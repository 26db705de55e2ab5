package dev.herald.config;

/**
 * @param stream the stream push routes are appended to
 * @param maxLength its approximate bound ({@code XADD … MAXLEN ~})
 */
public record GatewaySettings(String stream, Long maxLength) {
  public GatewaySettings {
    stream = stream == null ? "gateway:client-events" : stream;
    maxLength = maxLength == null ? 100_000L : maxLength;
  }

  static GatewaySettings defaults() {
    return new GatewaySettings(null, null);
  }
}
