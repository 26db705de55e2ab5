package dev.herald.cli;

import dev.herald.backoff.BackoffPolicy;
import dev.herald.backoff.RetryPlanner;
import dev.herald.config.ConfigPrinter;
import dev.herald.config.Durations;
import dev.herald.config.HeraldConfig;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationValidator;
import dev.herald.intake.IntakeCycle;
import dev.herald.intake.IntakeListener;
import dev.herald.intake.IntakeLoop;
import dev.herald.publish.EventEncoder;
import dev.herald.publish.PublishSettings;
import dev.herald.publish.PublisherListener;
import dev.herald.publish.PublisherLoop;
import dev.herald.publish.PublisherSetup;
import dev.herald.publish.RateLimitedLog;
import dev.herald.publish.Waiter;
import dev.herald.store.IntentStream;
import dev.herald.store.StoreUnavailableException;
import dev.herald.store.redis.EmbeddedRedis;
import dev.herald.store.redis.RedisBackend;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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

  /** How long one read of the intents stream waits while it is empty (no busy polling). */
  private static final Duration INTAKE_BLOCK = Duration.ofSeconds(1);

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
    IntakeLoop intake = null;
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
      intake = intake(backend);
      intake.start();
      stopRequested.await();
      Duration grace = config.get().publisher().shutdownGrace();
      LOG.info(
          "stopping: finishing the batches in hand (shutdown grace {})", Durations.format(grace));
      intake.stop(grace); // intake first: stop taking new work
      loop.stop(grace);
      return ExitCodes.OK;
    } finally {
      if (intake != null && intake.isRunning()) {
        intake.stop(Duration.ZERO);
      }
      closeQuietly("wake-up listener", wakeups);
      closeQuietly("Redis connections", backend);
      closeQuietly("embedded Redis", embedded);
      LOG.info("stopped");
    }
  }

  private PublisherLoop publisher(RedisBackend backend, Waiter waiter) {
    HeraldConfig cfg = config.get();
    return new PublisherSetup(
            backend.routes(),
            new EventEncoder(cfg.channels()),
            this::publishSettings,
            () -> config.get().publisher().pollInterval(),
            clock,
            listener)
        .loop(cfg.publisher().workers(), waiter, processTag());
  }

  /** The consumer of the intents stream; its reads block on a connection of their own. */
  private IntakeLoop intake(RedisBackend backend) {
    IntentStream stream = backend.intents(CliContext.intentNames(config.get()), INTAKE_BLOCK);
    IntakeCycle cycle =
        new IntakeCycle(
            stream,
            this::intakeSettings,
            new NotificationIds(),
            clock,
            IntakeListener.NONE,
            hostName() + "-" + ProcessHandle.current().pid());
    return new IntakeLoop(stream, cycle, INTAKE_BLOCK);
  }

  private IntakeCycle.Settings intakeSettings() {
    HeraldConfig cfg = config.get();
    return new IntakeCycle.Settings(
        cfg.intake().batchSize(),
        cfg.intake().claimIdle(),
        cfg.intake().idempotencyWindow(),
        new NotificationValidator(cfg.channels().names(), cfg.intake().maxPayloadBytes()));
  }

  private PublishSettings publishSettings() {
    return publishSettings(config.get());
  }

  /** The publish settings a configuration gives; read afresh for every cycle. */
  static PublishSettings publishSettings(HeraldConfig cfg) {
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

  static String processTag() {
    String random = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
    return hostName() + "-" + ProcessHandle.current().pid() + "-" + random;
  }

  private static String hostName() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9.-]", "");
    } catch (IOException e) {
      host = "host";
    }
    return host.length() > 24 ? host.substring(0, 24) : host;
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
