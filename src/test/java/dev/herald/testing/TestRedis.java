package dev.herald.testing;

import java.util.concurrent.atomic.AtomicLong;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * The Redis integration tests share, found in this order: {@code REDIS_URL} if set; a container
 * where a Docker engine answers; else a redis-server process on a free port ({@link
 * RedisServerProcess}). If none can be had the tests fail, loudly: they are never skipped.
 *
 * <p>Each test takes its own namespace ({@link #namespace}), so tests never see each other's keys.
 */
public final class TestRedis {

  private static final AtomicLong NAMESPACES = new AtomicLong();
  private static String url;
  private static String description;

  private TestRedis() {}

  public static synchronized String url() {
    if (url == null) {
      start();
      System.err.println("[herald tests] Redis: " + description);
    }
    return url;
  }

  public static synchronized String description() {
    url();
    return description;
  }

  /** A namespace no other test uses. */
  public static String namespace() {
    return "t" + ProcessHandle.current().pid() + "x" + NAMESPACES.incrementAndGet();
  }

  private static void start() {
    String env = System.getenv("REDIS_URL");
    if (env != null && !env.isBlank()) {
      url = env;
      description = "REDIS_URL " + env;
      return;
    }
    if (dockerAnswers()) {
      @SuppressWarnings("resource") // lives as long as the test JVM; Testcontainers reaps it
      GenericContainer<?> redis = new GenericContainer<>("redis:7.0-alpine").withExposedPorts(6379);
      redis.start();
      url = "redis://" + redis.getHost() + ":" + redis.getMappedPort(6379);
      description = "Testcontainers redis:7.0-alpine at " + url;
      return;
    }
    RedisServerProcess process = RedisServerProcess.start();
    Runtime.getRuntime().addShutdownHook(new Thread(process::close));
    url = process.url();
    description = "redis-server process " + process.describe();
  }

  private static boolean dockerAnswers() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }
}
