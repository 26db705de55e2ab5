package dev.herald.api;

import dev.herald.intake.Intake;
import dev.herald.store.CorruptRecordException;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.security.KeyStore;
import java.time.Duration;
import java.util.function.IntSupplier;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API on its own address (Javalin on Jetty): submit, show, cancel, and the OpenAPI
 * document. Every route but the document needs a bearer token when tokens are configured.
 */
public final class ApiServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  private static final String OPENAPI = "openapi.json";

  /**
   * Where and how to serve.
   *
   * @param address host and port (port 0 for any free one)
   * @param tls a PKCS#12 key store with the server's key and certificate; null for plain HTTP
   * @param tlsPassword its password
   * @param threads most requests served at once
   */
  public record Settings(
      InetSocketAddress address,
      String tls,
      char[] tlsPassword,
      long maxBodyBytes,
      int maxBatch,
      int threads) {}

  private final Javalin app;
  private final ServerConnector connector;

  private ApiServer(Javalin app, ServerConnector connector) {
    this.app = app;
    this.connector = connector;
  }

  /**
   * Binds and serves.
   *
   * @param intake submits (with its spool) and cancels
   * @param lookups where {@code GET} finds notifications
   * @throws IOException when the address cannot be bound or the key store not read
   */
  public static ApiServer start(
      Settings settings,
      Tokens tokens,
      Intake intake,
      dev.herald.store.NotificationStore lookups,
      IntSupplier defaultMaxAttempts,
      ApiListener listener)
      throws IOException {
    byte[] openapi = openapi();
    SubmitEndpoint submit =
        new SubmitEndpoint(intake, settings.maxBodyBytes(), settings.maxBatch());
    LookupEndpoint lookup = new LookupEndpoint(lookups, intake, defaultMaxAttempts);
    SslContextFactory.Server ssl = settings.tls() == null ? null : ssl(settings);
    ServerConnector[] bound = new ServerConnector[1];
    QueuedThreadPool threads = new QueuedThreadPool(settings.threads(), 4, 60_000);
    threads.setName("herald-api");
    threads.setDaemon(true);
    Javalin app =
        Javalin.create(
            c -> {
              c.startup.showJavalinBanner = false;
              c.startup.showOldJavalinVersionWarning = false;
              c.http.maxRequestSize = settings.maxBodyBytes();
              // Answers are a few hundred bytes: compressing them costs more than it saves, and
              // deciding whether to (a look at each answer's content type) was 3% of a request.
              c.http.compressionStrategy = CompressionStrategy.NONE;
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
              c.routes.post("/v1/notifications", timed("submit", listener, tokens, submit::handle));
              c.routes.get("/v1/notifications/{id}", timed("show", listener, tokens, lookup::show));
              c.routes.post(
                  "/v1/notifications/{id}/cancel",
                  timed("cancel", listener, tokens, lookup::cancel));
              c.routes.get(
                  "/v1/" + OPENAPI,
                  ctx -> {
                    long start = System.nanoTime();
                    ctx.contentType("application/json").result(openapi);
                    listener.onRequest("openapi", 200, seconds(start));
                  });
              c.routes.exception(
                  HttpResponseException.class,
                  (e, ctx) -> Answers.error(ctx, e.getStatus(), "(request)", e.getMessage()));
              c.routes.exception(
                  CorruptRecordException.class,
                  (e, ctx) -> Answers.error(ctx, 500, "(redis)", e.getMessage()));
              c.routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    LOG.error("api: {} {} failed", ctx.method(), ctx.path(), e);
                    Answers.error(ctx, 500, "(herald)", "internal error: " + e);
                  });
              c.routes.error(
                  404,
                  ctx -> {
                    if (ctx.result() == null) {
                      Answers.error(
                          ctx,
                          404,
                          "(path)",
                          "no such endpoint: " + ctx.path() + "; see /v1/" + OPENAPI);
                    }
                  });
            });
    try {
      app.start();
    } catch (RuntimeException e) {
      app.stop();
      throw new IOException(
          "cannot serve the API on " + settings.address() + ": " + rootCause(e), e);
    }
    return new ApiServer(app, bound[0]);
  }

  /** Where it serves (with the real port when port 0 was asked for). */
  public InetSocketAddress address() {
    return new InetSocketAddress(connector.getHost(), connector.getLocalPort());
  }

  /** Stops taking connections and answers the requests in hand, for up to {@code grace}. */
  public void stop(Duration grace) {
    app.unsafe.jettyInternal.server.setStopTimeout(Math.max(1, grace.toMillis()));
    app.stop();
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(5));
  }

  /** A route handler given the caller's producer (null without tokens), answered 401 without. */
  interface Authorized {
    void handle(Context ctx, String producer) throws Exception;
  }

  private static Handler timed(
      String endpoint, ApiListener listener, Tokens tokens, Authorized handler) {
    return ctx -> {
      long start = System.nanoTime();
      try {
        String producer = null;
        if (!tokens.open()) {
          producer = tokens.producerOf(ctx.header("Authorization")).orElse(null);
          if (producer == null) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"herald\"");
            Answers.error(
                ctx,
                401,
                "Authorization",
                "needs 'Bearer <token>' with a token of api.tokens or api.tokens-file");
            return;
          }
        }
        handler.handle(ctx, producer);
      } finally {
        listener.onRequest(endpoint, ctx.statusCode(), seconds(start));
      }
    };
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static SslContextFactory.Server ssl(Settings settings) throws IOException {
    KeyStore store;
    try (InputStream in =
        java.nio.file.Files.newInputStream(java.nio.file.Path.of(settings.tls()))) {
      store = KeyStore.getInstance("PKCS12");
      store.load(in, settings.tlsPassword());
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("api.tls.keystore " + settings.tls() + " cannot be read: " + e, e);
    }
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStore(store);
    ssl.setKeyStorePassword(new String(settings.tlsPassword()));
    return ssl;
  }

  private static byte[] openapi() {
    try (InputStream in = ApiServer.class.getResourceAsStream(OPENAPI)) {
      if (in == null) {
        throw new IllegalStateException("missing resource dev/herald/api/" + OPENAPI);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.toString();
  }
}
