package dev.herald.config;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * The web console {@code herald run} serves: read-only for anyone who can reach it, changes
 * (requeue, purge, pause, rate limits) only for a signed-in user of {@link #users}.
 *
 * @param listen {@code host:port} to serve it on (as {@code ops.listen}), or {@code off}
 * @param users who may change things; only a salted hash of each password is kept in the file
 * @param tls optional HTTPS: a PKCS#12 key store ({@code HERALD_CONSOLE_TLS_PASSWORD} supplies its
 *     password); session cookies are {@code Secure} then, and behind a proxy that sends {@code
 *     X-Forwarded-Proto: https}
 * @param recipientIndex whether accepts keep the index by recipient the console and {@code herald
 *     routes find --recipient} look notifications up in (off by default: it costs Redis memory per
 *     route)
 * @param recipientIndexMax the most notifications kept per recipient in that index
 */
public record ConsoleSettings(
    String listen,
    List<ConsoleUser> users,
    ApiSettings.TlsSettings tls,
    Boolean recipientIndex,
    Integer recipientIndexMax) {

  public static final String OFF = "off";

  public ConsoleSettings {
    listen = listen == null ? "127.0.0.1:9466" : listen;
    users = users == null ? List.of() : List.copyOf(users);
    tls = tls == null ? new ApiSettings.TlsSettings(null, null) : tls;
    recipientIndex = recipientIndex != null && recipientIndex;
    recipientIndexMax = recipientIndexMax == null ? 100 : recipientIndexMax;
  }

  static ConsoleSettings defaults() {
    return new ConsoleSettings(null, null, null, null, null);
  }

  /** Notifications kept per recipient by the index: 0 when it is off. */
  public int recipientsKept() {
    return recipientIndex ? recipientIndexMax : 0;
  }

  public boolean enabled() {
    return !OFF.equals(listen);
  }

  /** The host and port of {@link #listen}, unresolved; see {@link OpsSettings#address()}. */
  public InetSocketAddress address() {
    return new OpsSettings(listen, null, null).address();
  }

  /**
   * A user who may change things from the console.
   *
   * @param passwordHash {@code pbkdf2-sha256:<iterations>:<salt, base64>:<hash, base64>}, as {@code
   *     herald console hash-password} prints it
   */
  public record ConsoleUser(String name, String passwordHash) {}
}
