package dev.herald.store.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.embedded.RedisServer;

/**
 * The Redis that Herald starts when no {@code redis.url} is configured: the redis-server binary
 * shipped in the embedded-redis jar, on 127.0.0.1:6399, with its data and append-only file under
 * {@code ./data}. For trying Herald out, not for production.
 */
public final class EmbeddedRedis implements AutoCloseable {

  public static final String HOST = "127.0.0.1";
  public static final int PORT = 6399;
  public static final String URL = "redis://" + HOST + ":" + PORT;

  private final RedisServer server;
  private final int port;

  private EmbeddedRedis(RedisServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Starts it on {@link #PORT} with {@code dataDir} for its files; fails if the port is taken. */
  public static EmbeddedRedis start(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    return start(
        PORT,
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

  private static String quoted(String path) {
    return "\"" + path.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Override
  public void close() throws IOException {
    server.stop();
  }

  /**
   * Makes appends to the stream {@code key} fail, as a misconfigured gateway would, by storing a
   * string under its name ({@code WRONGTYPE}). For {@code herald demo}.
   */
  public void blockStream(String key) {
    try (RedisClient client = RedisClient.create(URI.create(url()))) {
      client.set(key, "not a stream: appends fail until this key is deleted");
    }
  }

  /**
   * Makes every append to the stream fail with an error Herald cannot tell from a route's own, so
   * that each attempt is charged: the stream's last entry id becomes the largest there is.
   */
  public void breakStream(String key) {
    try (RedisClient client = RedisClient.create(URI.create(url()))) {
      client.del(key);
      client.sendCommand(
          Protocol.Command.XADD,
          key,
          "18446744073709551615-18446744073709551615",
          "broken",
          "every later append fails: the stream has exhausted its ids");
    }
  }

  /** Undoes {@link #blockStream}: the stream takes appends again. */
  public void unblockStream(String key) {
    try (RedisClient client = RedisClient.create(URI.create(url()))) {
      client.del(key);
    }
  }
}
