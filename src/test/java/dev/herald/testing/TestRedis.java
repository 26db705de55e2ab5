package dev.herald.testing;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/**
 * The Redis integration tests share, found in this order: {@code REDIS_URL} if set; a container
 * where a Docker engine answers; else a redis-server process on a free port ({@link
 * RedisServerProcess}). If none can be had the tests fail, loudly: they are never skipped.
 *
 * <p>Each test takes its own namespace ({@link #namespace}), so tests never see each other's keys.
 *
 * <p>Herald's own connections ({@link #heraldUrl}) log in as {@link #HERALD_USER}, a user made from
 * the ACL that ships in {@code config/herald.acl}: the same commands, with the key and channel
 * patterns opened to every key (each test has a namespace and streams of its own), so that a
 * command Herald sends outside the shipped ACL fails the build. The tests' own client ({@link
 * #url}) stays the default user, for what only an administrator does (CONFIG SET, DEBUG, ACL).
 */
public final class TestRedis {

  private static final AtomicLong NAMESPACES = new AtomicLong();

  /** The ACL user Herald's connections use in the tests. */
  public static final String HERALD_USER = "herald-test";

  private static String url;
  private static String heraldUrl;
  private static String description;

  private TestRedis() {}

  public static synchronized String url() {
    if (url == null) {
      start();
      heraldUrl = createHeraldUser(url);
      System.err.println(
          "[herald tests] Redis: " + description + "; Herald as ACL user " + HERALD_USER);
    }
    return url;
  }

  /** The shared Redis as Herald should reach it: as {@link #HERALD_USER}, under the shipped ACL. */
  public static synchronized String heraldUrl() {
    url();
    return heraldUrl;
  }

  /** {@code url} as Herald reaches it: the ACL user's URL for the shared Redis, else unchanged. */
  public static synchronized String asHerald(String url) {
    return url.equals(TestRedis.url) ? heraldUrl : url;
  }

  /**
   * Creates {@link #HERALD_USER} from {@code config/herald.acl} on the Redis at {@code adminUrl}
   * and returns the URL that logs in as it.
   */
  static String createHeraldUser(String adminUrl) {
    List<String> rules =
        HeraldAcl.rulesForTests(Path.of("config", "herald.acl"), Secrets.REDIS_PASSWORD);
    try (RedisClient admin = RedisClient.create(URI.create(adminUrl))) {
      List<String> args = new ArrayList<>(List.of("SETUSER", HERALD_USER, "reset"));
      args.addAll(rules);
      admin.sendCommand(Protocol.Command.ACL, args.toArray(new String[0]));
    }
    URI uri = URI.create(adminUrl);
    return uri.getScheme()
        + "://"
        + HERALD_USER
        + ":"
        + Secrets.REDIS_PASSWORD
        + "@"
        + uri.getHost()
        + ":"
        + uri.getPort()
        + (uri.getPath() == null ? "" : uri.getPath());
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
