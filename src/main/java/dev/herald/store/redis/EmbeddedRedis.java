package dev.herald.store.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

  private EmbeddedRedis(RedisServer server) {
    this.server = server;
  }

  /** Starts it with {@code dataDir} for its files; fails if the port is taken. */
  public static EmbeddedRedis start(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    RedisServer server =
        RedisServer.newRedisServer()
            .bind(HOST)
            .port(PORT)
            .setting("dir " + quoted(dataDir.toAbsolutePath().toString()))
            .setting("appendonly yes")
            .setting("appendfsync everysec")
            .setting("save \"\"")
            .setting("daemonize no")
            .build();
    server.start();
    return new EmbeddedRedis(server);
  }

  private static String quoted(String path) {
    return "\"" + path.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Override
  public void close() throws IOException {
    server.stop();
  }
}
