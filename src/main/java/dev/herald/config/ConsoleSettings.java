package dev.herald.config;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * The web console {@code herald run} serves: read-only for anyone who can reach it, changes
 * (requeue, purge, pause, rate limits) only for a signed-in user of {@link #users}.
 *
 * @param listen {@code host:port} to serve it on (as {@code ops.listen}), or {@code off}
 * @param users who may change things; only a salted hash of each password is kept in the file
 */
public record ConsoleSettings(String listen, List<ConsoleUser> users) {

  public static final String OFF = "off";

  public ConsoleSettings {
    listen = listen == null ? "127.0.0.1:9466" : listen;
    users = users == null ? List.of() : List.copyOf(users);
  }

  static ConsoleSettings defaults() {
    return new ConsoleSettings(null, null);
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
