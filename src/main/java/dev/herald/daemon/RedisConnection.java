package dev.herald.daemon;

import dev.herald.clock.AlignedClock;
import dev.herald.config.HeraldConfig;
import dev.herald.logging.RateLimitedLog;
import dev.herald.store.StoreUnavailableException;
import dev.herald.store.redis.EmbeddedRedis;
import dev.herald.store.redis.RedisBackend;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's Redis, from start to close: the embedded one when the config asks for it, the
 * connection (waiting with back-off while Redis does not answer), and the {@link ServerWatch}
 * (shared clock, eviction policy). Refused credentials and an {@code allkeys-*} policy end the
 * start: retrying would not help.
 */
final class RedisConnection implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RedisConnection.class);

  /** The longest wait between tries while Redis does not answer. */
  private static final Duration MAX_PAUSE = Duration.ofSeconds(5);

  /** How often the embedded Redis started here is looked at, to start it again when gone. */
  private static final Duration KEEP_EMBEDDED_EVERY = Duration.ofSeconds(1);

  private final EmbeddedRedis embedded;
  private final RedisBackend backend;
  private final ServerWatch watch;

  private RedisConnection(EmbeddedRedis embedded, RedisBackend backend, ServerWatch watch) {
    this.embedded = embedded;
    this.backend = backend;
    this.watch = watch;
  }

  /**
   * Connects to {@code target} and aligns {@code clock} to it; null if {@code stopRequested}
   * counted down first.
   *
   * @param poolSize connections of the backend
   * @throws dev.herald.store.StoreAccessDeniedException Redis refused the credentials or the ACL
   * @throws dev.herald.config.ConfigException Redis may evict any key ({@code allkeys-*})
   */
  static RedisConnection open(
      HeraldConfig cfg,
      RedisTarget target,
      int poolSize,
      AlignedClock clock,
      CountDownLatch stopRequested,
      RateLimitedLog troubleLog)
      throws IOException, InterruptedException {
    EmbeddedRedis embedded = target.embedded() ? startEmbedded(cfg, target, clock) : null;
    long pause = 100;
    try {
      while (true) {
        RedisBackend backend = null;
        try {
          backend = target.connect(cfg, poolSize, clock);
          ServerWatch watch =
              new ServerWatch(backend.serverInfo(), clock, target.endpoint().redacted());
          watch.checkAtStart();
          LOG.info(
              "connected to {} (namespace '{}')", target.endpoint().redacted(), cfg.namespace());
          return new RedisConnection(embedded, backend, watch);
        } catch (StoreUnavailableException e) {
          Closing.quietly("Redis connections", backend);
          troubleLog.warn("connect", "{}; retrying. Hint: {}", e.getMessage(), target.hint());
        } catch (RuntimeException e) {
          Closing.quietly("Redis connections", backend);
          throw e;
        }
        if (stopRequested.await(pause, TimeUnit.MILLISECONDS)) {
          Closing.quietly("embedded Redis", embedded);
          return null;
        }
        pause = Math.min(pause * 2, MAX_PAUSE.toMillis());
      }
    } catch (RuntimeException | InterruptedException e) {
      Closing.quietly("embedded Redis", embedded);
      throw e;
    }
  }

  RedisBackend backend() {
    return backend;
  }

  ServerWatch watch() {
    return watch;
  }

  private static EmbeddedRedis startEmbedded(HeraldConfig cfg, RedisTarget target, Clock clock)
      throws IOException {
    Path data = Path.of("data");
    try (RedisBackend probe = target.connect(cfg, 1, clock)) {
      LOG.warn(
          "running on the embedded Redis (no config file, or redis.embedded: true): using the"
              + " Redis already answering at {} (not starting another)",
          EmbeddedRedis.URL);
      return null;
    } catch (StoreUnavailableException e) {
      // Nothing there yet: start it.
    }
    EmbeddedRedis embedded = EmbeddedRedis.start(data);
    embedded.keepRunning(KEEP_EMBEDDED_EVERY);
    LOG.warn(
        "running on the embedded Redis (no config file, or redis.embedded: true): started it at {}"
            + " with data and AOF in {}/ (for trials; set redis.url for production)",
        EmbeddedRedis.URL,
        data.toAbsolutePath());
    return embedded;
  }

  /** Closes the watch, then the connections, then the embedded Redis if it was started here. */
  @Override
  public void close() {
    watch.close();
    Closing.quietly("Redis connections", backend);
    Closing.quietly("embedded Redis", embedded);
  }
}
