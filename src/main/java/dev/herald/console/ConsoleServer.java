package dev.herald.console;

import dev.herald.config.ConsoleSettings;
import dev.herald.store.StoreUnavailableException;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console on {@code console.listen} (Javalin, as the API): server-rendered pages over the
 * stores and actions the CLI uses. Anyone who can reach it may look; a change (requeue, purge,
 * pause, resume, rate limit) needs a signed-in user of {@code console.users} and the session's CSRF
 * token, and is refused with 403 otherwise. Every change and sign-in is logged with who, from
 * where, and what.
 */
public final class ConsoleServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);

  private final Javalin app;
  private final ServerConnector connector;
  private final History history;
  private final BulkJobs jobs;

  private ConsoleServer(Javalin app, ServerConnector connector, History history, BulkJobs jobs) {
    this.app = app;
    this.connector = connector;
    this.history = history;
    this.jobs = jobs;
  }

  /**
   * Binds and serves.
   *
   * @throws IOException when the address cannot be bound
   */
  public static ConsoleServer start(ConsoleSettings settings, Console console, char[] tlsPassword)
      throws IOException {
    SslContextFactory.Server ssl =
        settings.tls().enabled() ? ssl(settings.tls().keystore(), tlsPassword) : null;
    Sessions sessions = new Sessions(settings.users(), console.clock());
    History history = new History(console.stats(), console::streams, console.clock());
    BulkJobs jobs = new BulkJobs(console.clock());
    ConsoleRoutes routes = new ConsoleRoutes(console, sessions, history, jobs);
    ServerConnector[] bound = new ServerConnector[1];
    QueuedThreadPool threads = new QueuedThreadPool(16, 2, 60_000);
    threads.setName("herald-console");
    threads.setDaemon(true);
    Javalin app =
        Javalin.create(
            c -> {
              c.startup.showJavalinBanner = false;
              c.startup.showOldJavalinVersionWarning = false;
              c.http.maxRequestSize = 1024 * 1024;
              c.jetty.threadPool = threads;
              c.jetty.addConnector(
                  (server, http) -> {
                    ServerConnector connector;
                    if (ssl == null) {
                      connector = new ServerConnector(server, new HttpConnectionFactory(http));
                    } else {
                      http.addCustomizer(new SecureRequestCustomizer());
                      connector =
                          new ServerConnector(
                              server,
                              new SslConnectionFactory(ssl, "http/1.1"),
                              new HttpConnectionFactory(http));
                    }
                    connector.setHost(settings.address().getHostString());
                    connector.setPort(settings.address().getPort());
                    bound[0] = connector;
                    return connector;
                  });
              routes.register(c.routes);
              c.routes.exception(
                  Selection.BadField.class, (e, ctx) -> routes.error(ctx, 400, e.getMessage()));
              c.routes.exception(
                  IllegalArgumentException.class,
                  (e, ctx) -> routes.error(ctx, 400, e.getMessage()));
              c.routes.exception(
                  StoreUnavailableException.class,
                  (e, ctx) -> routes.error(ctx, 503, "Redis is unavailable: " + e.getMessage()));
              c.routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    LOG.error("console: {} {} failed", ctx.method(), ctx.path(), e);
                    routes.error(ctx, 500, "internal error: " + e);
                  });
            });
    try {
      app.start();
    } catch (RuntimeException e) {
      app.stop();
      throw new IOException("cannot serve the console on " + settings.address() + ": " + e, e);
    }
    history.start();
    return new ConsoleServer(app, bound[0], history, jobs);
  }

  private static SslContextFactory.Server ssl(String keystore, char[] password) throws IOException {
    KeyStore store;
    try (InputStream in = Files.newInputStream(Path.of(keystore))) {
      store = KeyStore.getInstance("PKCS12");
      store.load(in, password);
    } catch (GeneralSecurityException e) {
      throw new IOException("console.tls.keystore " + keystore + " cannot be read: " + e, e);
    }
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStore(store);
    ssl.setKeyStorePassword(password == null ? "" : new String(password));
    return ssl;
  }

  /** Where it serves (with the real port when port 0 was asked for). */
  public InetSocketAddress address() {
    return new InetSocketAddress(connector.getHost(), connector.getLocalPort());
  }

  /**
   * Stops at once: a page is read again after a restart, and a bulk run in hand stops between
   * slices (each route is either changed or still a dead letter).
   */
  public void stop() {
    jobs.close();
    history.close();
    app.unsafe.jettyInternal.server.setStopTimeout(0);
    try {
      app.stop();
    } catch (RuntimeException e) {
      LOG.debug("console: stopping: {}", e.toString());
    }
  }

  @Override
  public void close() {
    stop();
  }

  static byte[] resource(String name) {
    try (InputStream in = ConsoleServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource dev/herald/console/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
