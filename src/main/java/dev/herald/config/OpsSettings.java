package dev.herald.config;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The operations endpoint: {@code /metrics}, {@code /healthz}, {@code /readyz}.
 *
 * @param listen {@code host:port} to serve them on ({@code [::1]:9464} for IPv6, port 0 for any
 *     free port), or {@code off}
 * @param readyTimeout how long {@code /readyz} and the store figures of {@code /metrics} wait for
 *     Redis before answering without it
 * @param maxTypeLabels distinct notification types that get their own metric label; later ones are
 *     counted as {@code other}
 */
public record OpsSettings(String listen, Duration readyTimeout, Integer maxTypeLabels) {

  public static final String OFF = "off";

  public OpsSettings {
    listen = listen == null ? "127.0.0.1:9464" : listen;
    readyTimeout = readyTimeout == null ? Duration.ofSeconds(1) : readyTimeout;
    maxTypeLabels = maxTypeLabels == null ? 50 : maxTypeLabels;
  }

  static OpsSettings defaults() {
    return new OpsSettings(null, null, null);
  }

  public boolean enabled() {
    return !OFF.equals(listen);
  }

  /**
   * The host and port of {@link #listen}, unresolved.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public InetSocketAddress address() {
    int colon = listen.lastIndexOf(':');
    if (colon <= 0 || colon == listen.length() - 1) {
      throw new IllegalArgumentException("must be host:port or off");
    }
    String host = listen.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException("must put an IPv6 address in brackets: [::1]:9464");
    }
    int port;
    try {
      port = Integer.parseInt(listen.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must end in a port number");
    }
    if (port < 0 || port > 65_535 || host.isBlank()) {
      throw new IllegalArgumentException("must be host:port with a port from 0 to 65535");
    }
    return InetSocketAddress.createUnresolved(host, port);
  }
}
