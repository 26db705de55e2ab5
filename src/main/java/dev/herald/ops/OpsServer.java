package dev.herald.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The HTTP endpoint: {@code /metrics} (Prometheus text format, by the Prometheus client's own
 * handler), {@code /healthz} and {@code /readyz} (200 or 503, with a one-line reason), and {@code
 * /streams} (the streams consumers read, JSON) once the daemon has named them.
 */
final class OpsServer implements AutoCloseable {

  private static final int THREADS = 2;

  private final HttpServer server;
  private final ExecutorService executor;

  private OpsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds and starts serving.
   *
   * @throws IOException when the address cannot be bound (e.g. the port is taken)
   */
  static OpsServer start(
      InetSocketAddress address,
      PrometheusRegistry registry,
      Supplier<Check> health,
      Supplier<Check> readiness)
      throws IOException {
    HttpServer server = HttpServer.create(address, 16);
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            THREADS,
            r -> {
              Thread t = new Thread(r, "herald-ops-http-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/metrics", new MetricsHandler(registry));
    server.createContext("/healthz", exchange -> answer(exchange, health.get()));
    server.createContext("/readyz", exchange -> answer(exchange, readiness.get()));
    server.createContext(
        "/",
        exchange ->
            respond(
                exchange,
                404,
                "text/plain",
                "not found; try /metrics, /healthz, /readyz or /streams\n"));
    server.start();
    return new OpsServer(server, executor);
  }

  InetSocketAddress address() {
    return server.getAddress();
  }

  /** Serves {@code body} as JSON at {@code path}. */
  void json(String path, String body) {
    server.createContext(path, exchange -> respond(exchange, 200, "application/json", body));
  }

  private static void answer(HttpExchange exchange, Check check) throws IOException {
    respond(exchange, check.ok() ? 200 : 503, "text/plain", check.message() + "\n");
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    try (exchange) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
