package dev.herald.daemon;

import dev.herald.channel.ChannelActions;
import dev.herald.config.ConsoleSettings;
import dev.herald.console.Console;
import dev.herald.console.ConsoleServer;
import dev.herald.store.redis.RedisBackend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console in {@code herald run}, once Herald has reached Redis (it shows and changes only
 * what is there): served on {@code console.listen} unless that is {@code off}, over the daemon's
 * own stores and clock.
 */
final class ConsoleRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleRuntime.class);

  private final ConsoleServer server;

  private ConsoleRuntime(ConsoleServer server) {
    this.server = server;
  }

  static ConsoleRuntime start(
      Assembly parts, RedisBackend backend, ChannelActions channels, Clock clock)
      throws IOException {
    ConsoleSettings settings = parts.config().console();
    if (!settings.enabled()) {
      return new ConsoleRuntime(null);
    }
    Console console =
        new Console(
            clock,
            backend.stats(),
            parts.config().intake().streamEnabled()
                ? backend.intents(parts.intentNames(), Duration.ZERO)
                : new NoIntents(backend.stats()),
            backend.breakers(),
            backend.deadLetters(),
            backend.notifications(),
            backend.recipients(),
            channels,
            backend.processes(),
            parts.channels().streams(),
            parts.config().delivery().maxAttempts());
    String password = settings.tls().keystorePassword();
    if (password == null) {
      password = System.getenv("HERALD_CONSOLE_TLS_PASSWORD");
    }
    ConsoleServer server =
        ConsoleServer.start(settings, console, password == null ? null : password.toCharArray());
    InetSocketAddress a = server.address();
    LOG.info(
        "serving the console on {}://{}:{}/ ({})",
        settings.tls().enabled() ? "https" : "http",
        a.getHostString(),
        a.getPort(),
        settings.users().isEmpty()
            ? "read-only: console.users names no one"
            : settings.users().size() + " user(s) may sign in to make changes");
    return new ConsoleRuntime(server);
  }

  Optional<InetSocketAddress> address() {
    return Optional.ofNullable(server).map(ConsoleServer::address);
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop();
    }
  }
}
