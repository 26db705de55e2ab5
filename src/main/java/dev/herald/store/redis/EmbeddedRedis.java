package dev.herald.store.redis;

import dev.herald.logging.RateLimitedLog;
import dev.herald.loop.DaemonTimer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * The Redis that Herald starts when no {@code redis.url} is configured: the redis-server binary
 * shipped in the embedded-redis jar, on 127.0.0.1:6399, with its data and append-only file under
 * {@code ./data}. For trying Herald out, not for production.
 *
 * <p>{@code herald run} owns it: {@link #keepRunning} starts it again from its data whenever its
 * process is gone, since nothing else would, and the daemon waits for its Redis forever.
 */
public final class EmbeddedRedis implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedis.class);

  public static final String HOST = "127.0.0.1";
  public static final int PORT = 6399;
  public static final String URL = "redis://" + HOST + ":" + PORT;

  private final RedisServer server;
  private final int port;
  private final RateLimitedLog troubleLog = new RateLimitedLog(LOG, Duration.ofMinutes(1));
  private ScheduledExecutorService keeper;

  private EmbeddedRedis(RedisServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Starts it on {@link #PORT} with {@code dataDir} for its files; fails if the port is taken. */
  public static EmbeddedRedis start(Path dataDir) throws IOException {
    return start(PORT, dataDir);
  }

  /** {@link #start(Path)} on another port, for tests. */
  static EmbeddedRedis start(int port, Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    return start(
        port,
        "dir " + quoted(dataDir.toAbsolutePath().toString()),
        "appendonly yes",
        "appendfsync everysec");
  }

  /**
   * Starts a throw-away instance on a free port, without persistence: for benchmarks and the demo,
   * which must not collide with a running {@code herald run}.
   */
  public static EmbeddedRedis startPrivate() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    return start(port, "appendonly no");
  }

  private static EmbeddedRedis start(int port, String... settings) throws IOException {
    var builder =
        RedisServer.newRedisServer()
            .bind(HOST)
            .port(port)
            .setting("save \"\"")
            .setting("daemonize no");
    for (String setting : settings) {
      builder.setting(setting);
    }
    RedisServer server = builder.build();
    server.start();
    return new EmbeddedRedis(server, port);
  }

  public String url() {
    return "redis://" + HOST + ":" + port;
  }

  /**
   * Looks every {@code every} whether its process is still there, and starts it again (same
   * settings, same data: its AOF holds what was written up to a second before) when it is gone:
   * killed, crashed, or shut down by hand ({@code redis-cli shutdown}); stopping Herald stops it.
   */
  public synchronized void keepRunning(Duration every) {
    if (keeper != null) {
      return;
    }
    keeper = DaemonTimer.named("herald-embedded-redis");
    keeper.scheduleWithFixedDelay(
        this::startAgainIfGone, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void startAgainIfGone() {
    if (listening()) {
      return;
    }
    LOG.error(
        "the embedded Redis at {} is gone (nothing listens on its port: killed, crashed or shut"
            + " down); starting it again with its data",
        url());
    try {
      synchronized (this) {
        server.stop(); // reaps the old process, so that start() makes a new one
        server.start();
      }
      LOG.warn("started the embedded Redis again at {}", url());
    } catch (IOException | RuntimeException e) {
      troubleLog.error(
          "restart", "starting the embedded Redis again failed: {}; trying again", e.toString());
    }
  }

  /**
   * False only when its port refuses a connection: a Redis that is busy (loading, a long script)
   * still accepts one, and is never restarted.
   */
  boolean listening() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, port), 1000);
      return true;
    } catch (ConnectException e) {
      return false;
    } catch (IOException e) {
      return true; // a timeout: there, and slow
    }
  }

  private static String quoted(String path) {
    return "\"" + path.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Override
  public void close() throws IOException {
    ScheduledExecutorService k;
    synchronized (this) {
      k = keeper;
    }
    if (k != null) {
      DaemonTimer.stop(k); // a restart in hand ends before the server stops
    }
    synchronized (this) {
      server.stop();
    }
  }
}
