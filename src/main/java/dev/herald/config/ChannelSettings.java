package dev.herald.config;

/**
 * One entry of {@code channels}: where the routes of that channel go.
 *
 * @param stream the stream its routes are appended to (not prefixed); for {@code push} it defaults
 *     to {@code gateway.stream}, every other channel must name one
 * @param maxLength its approximate bound ({@code XADD … MAXLEN ~}); defaults to {@code
 *     gateway.max-length}
 * @param rateLimit most routes per second claimed for it across every process, or null for no
 *     limit; an operator's limit ({@code herald channels limit}, the console) wins over it
 */
public record ChannelSettings(String stream, Long maxLength, Long rateLimit) {

  /** Fills what the entry left out from the gateway settings (the stream only for push). */
  ChannelSettings withDefaults(String name, GatewaySettings gateway) {
    return new ChannelSettings(
        stream == null && HeraldConfig.PUSH.equals(name) ? gateway.stream() : stream,
        maxLength == null ? gateway.maxLength() : maxLength,
        rateLimit);
  }
}
