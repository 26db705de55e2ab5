package dev.herald.cli;

import dev.herald.backoff.BackoffPolicy;
import dev.herald.backoff.RetryPlanner;
import dev.herald.config.ConfigPrinter;
import dev.herald.config.Durations;
import dev.herald.config.HeraldConfig;
import dev.herald.publish.DeadLetterRetention;
import dev.herald.publish.EventEncoder;
import dev.herald.publish.Janitor;
import dev.herald.publish.PublishCycle;
import dev.herald.publish.PublishSettings;
import dev.herald.publish.PublisherListener;
import dev.herald.publish.PublisherLoop;
import dev.herald.publish.RateLimitedLog;
import dev.herald.publish.Waiter;
import dev.herald.store.StoreUnavailableException;
import dev.herald.store.redis.EmbeddedRedis;
import dev.herald.store.redis.RedisBackend;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-running {@code herald run}: wires the publisher to Redis, runs it, and shuts it down in
 * order: stop claiming, finish or abandon (lease runs out) the batches in hand, stop the wake-up
 * listener, close Redis, stop the embedded Redis if we started it.
 */
final class Daemon {

  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

  private final AtomicReference<HeraldConfig> config;
  private final Clock clock = Clock.systemUTC();
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final RateLimitedLog troubleLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  private final PublisherListener listener;

  Daemon(HeraldConfig config, PublisherListener listener) {
    this.config = new AtomicReference<>(config);
    this.listener = listener;
  }

  void requestStop() {
    stopRequested.countDown();
  }

  /** Runs until {@link #requestStop}; returns the exit code. */
  int run() throws IOException, InterruptedException {
    HeraldConfig cfg = config.get();
    LOG.info("starting herald with config {}", ConfigPrinter.describe(cfg));
    RedisTarget target = RedisTarget.of(cfg);
    EmbeddedRedis embedded = target.embedded() ? startEmbedded(cfg, target) : null;
    RedisBackend backend = null;
    AutoCloseable wakeups = null;
    PublisherLoop loop = null;
    try {
      backend = connect(cfg, target);
      if (backend == null) {
        return ExitCodes.OK; // stopped before Redis answered
      }
      Waiter waiter = new Waiter(clock);
      wakeups =
          backend
              .wakeups()
              .subscribe(
                  waiter::signal,
                  e ->
                      troubleLog.warn("wakeups", "wake-up listener: {}; retrying", e.getMessage()));
      loop = publisher(backend, waiter);
      loop.start();
      stopRequested.await();
      Duration grace = config.get().publisher().shutdownGrace();
      LOG.info(
          "stopping: finishing the batches in hand (shutdown grace {})", Durations.format(grace));
      loop.stop(grace);
      return ExitCodes.OK;
    } finally {
      closeQuietly("wake-up listener", wakeups);
      closeQuietly("Redis connections", backend);
      closeQuietly("embedded Redis", embedded);
      LOG.info("stopped");
    }
  }

  private PublisherLoop publisher(RedisBackend backend, Waiter waiter) {
    HeraldConfig cfg = config.get();
    EventEncoder encoder = new EventEncoder(cfg.channels());
    String process = processTag();
    return new PublisherLoop(
        i ->
            new PublishCycle(
                backend.routes(),
                encoder,
                this::publishSettings,
                clock,
                listener,
                process + "-w" + i),
        cfg.publisher().workers(),
        new Janitor(
            backend.routes(), backend.deadLetters(), this::deadLetterRetention, clock, listener),
        waiter,
        clock,
        () -> config.get().publisher().pollInterval(),
        listener);
  }

  private DeadLetterRetention deadLetterRetention() {
    HeraldConfig cfg = config.get();
    return new DeadLetterRetention(
        Optional.ofNullable(cfg.deadLetters().maxCount()),
        Optional.ofNullable(cfg.deadLetters().maxAge()));
  }

  private PublishSettings publishSettings() {
    HeraldConfig cfg = config.get();
    BackoffPolicy backoff =
        new BackoffPolicy(
            cfg.backoff().initial(),
            cfg.backoff().max(),
            cfg.backoff().multiplier(),
            cfg.backoff().jitter(),
            () -> ThreadLocalRandom.current().nextDouble());
    return new PublishSettings(
        cfg.publisher().batchSize(),
        cfg.publisher().lease(),
        new RetryPlanner(backoff),
        cfg.delivery().maxAttempts());
  }

  /** Connects, waiting with back-off while Redis does not answer; null if stopped meanwhile. */
  private RedisBackend connect(HeraldConfig cfg, RedisTarget target) throws InterruptedException {
    long pause = 100;
    while (true) {
      try {
        RedisBackend backend =
            RedisBackend.connect(
                target.endpoint(),
                cfg.namespace(),
                cfg.publisher().workers() + 3,
                CliContext.retention(cfg),
                clock);
        LOG.info("connected to {} (namespace '{}')", target.endpoint().redacted(), cfg.namespace());
        return backend;
      } catch (StoreUnavailableException e) {
        troubleLog.warn("connect", "{}; retrying. Hint: {}", e.getMessage(), target.hint());
      }
      if (stopRequested.await(pause, TimeUnit.MILLISECONDS)) {
        return null;
      }
      pause = Math.min(pause * 2, 5000);
    }
  }

  private EmbeddedRedis startEmbedded(HeraldConfig cfg, RedisTarget target) throws IOException {
    Path data = Path.of("data");
    try (RedisBackend probe =
        RedisBackend.connect(
            target.endpoint(), cfg.namespace(), 1, CliContext.retention(cfg), clock)) {
      LOG.warn(
          "no redis.url configured: using the Redis already answering at {} (not starting another)",
          EmbeddedRedis.URL);
      return null;
    } catch (StoreUnavailableException e) {
      // Nothing there yet: start it.
    }
    EmbeddedRedis embedded = EmbeddedRedis.start(data);
    LOG.warn(
        "no redis.url configured: started the embedded Redis at {} with data and AOF in {}/ "
            + "(for trials; set redis.url for production)",
        EmbeddedRedis.URL,
        data.toAbsolutePath());
    return embedded;
  }

  private static String processTag() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9.-]", "");
    } catch (IOException e) {
      host = "host";
    }
    if (host.length() > 24) {
      host = host.substring(0, 24);
    }
    String random = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
    return host + "-" + ProcessHandle.current().pid() + "-" + random;
  }

  private static void closeQuietly(String what, AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("closing the {} failed: {}", what, e.toString());
    }
  }
}
