package dev.herald.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The embedded Redis that {@code herald run} starts with no config file: killed, it is started
 * again with its data (nothing else would, and the daemon waits for its Redis forever).
 */
class EmbeddedRedisIT {

  @TempDir Path dir;

  @Test
  void a_killed_embedded_redis_is_started_again_with_its_data() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (EmbeddedRedis redis = EmbeddedRedis.start(port, dir.resolve("data"))) {
      redis.keepRunning(Duration.ofMillis(200));
      long pid;
      String runId;
      try (Jedis jedis = new Jedis("127.0.0.1", port)) {
        jedis.configSet("appendfsync", "always"); // the write below is on disk before the kill
        jedis.set("kept", "yes");
        pid = Long.parseLong(field(jedis.info("server"), "process_id"));
        runId = field(jedis.info("server"), "run_id");
      }
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();

      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () -> {
                try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                  return !field(jedis.info("server"), "run_id").equals(runId);
                }
              });
      try (Jedis jedis = new Jedis("127.0.0.1", port)) {
        assertThat(jedis.get("kept")).isEqualTo("yes");
      }
    }
    assertThat(listeningOn(port)).as("closed: its process is stopped, not started again").isFalse();
  }

  private static boolean listeningOn(int port) {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static String field(String info, String name) {
    for (String line : info.split("\r\n")) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1).trim();
      }
    }
    throw new AssertionError("no " + name + " in INFO: " + info);
  }
}
