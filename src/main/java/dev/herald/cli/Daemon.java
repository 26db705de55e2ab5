package dev.herald.cli;

import dev.herald.backoff.BackoffPolicy;
import dev.herald.backoff.RetryPlanner;
import dev.herald.config.ConfigPrinter;
import dev.herald.config.Durations;
import dev.herald.config.HeraldConfig;
import dev.herald.config.PostgresSourceSettings;
import dev.herald.config.PublisherSettings;
import dev.herald.domain.Channels;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationValidator;
import dev.herald.intake.Intake;
import dev.herald.intake.IntakeCycle;
import dev.herald.intake.IntakeLoop;
import dev.herald.ops.FanOutListener;
import dev.herald.ops.Ops;
import dev.herald.outbox.OutboxRelay;
import dev.herald.publish.DeadLetterRetention;
import dev.herald.publish.EventEncoder;
import dev.herald.publish.Janitor;
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
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-running {@code herald run}: wires the publisher to Redis, runs it, and shuts it down in
 * order: stop taking new work (the intake, then the outbox relay, each committing the batch in
 * hand), stop claiming, finish or abandon (lease runs out) the batches in hand, stop the wake-up
 * listener, close Redis, stop the embedded Redis if we started it, stop the ops HTTP server last.
 *
 * <p>The config lives in an {@link AtomicReference} that every cycle reads, so a {@link #reload}
 * applies backoff, attempts, batch size, lease and poll interval from the next cycle on; the worker
 * count it applies at once.
 */
final class Daemon {

  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

  /** Connections: one per worker, as many as a reload may ask for, plus wake-ups and ops. */
  private static final int POOL_SIZE = PublisherSettings.MAX_WORKERS + 4;

  private final AtomicReference<HeraldConfig> config;
  private final Channels channels;
  private final Clock clock = Clock.systemUTC();
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch publishing = new CountDownLatch(1);
  private final RateLimitedLog troubleLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  private final PublisherListener listener;
  private final ConfigReloader reloader;
  private volatile Ops ops;
  private PublisherLoop loop; // guarded by this

  /** How long one read of the intents stream waits while it is empty (no busy polling). */
  private static final Duration INTAKE_BLOCK = Duration.ofSeconds(1);

  /**
   * @param channels the channels routes may use and their streams
   * @param listener told of publisher events besides the metrics and health
   */
  Daemon(HeraldConfig config, Channels channels, PublisherListener listener) {
    this.config = new AtomicReference<>(config);
    this.channels = channels;
    this.listener = listener;
    this.reloader = new ConfigReloader(this.config, this::resize);
  }

  void requestStop() {
    stopRequested.countDown();
    Ops o = ops;
    if (o != null) {
      o.stopping();
    }
  }

  /** Waits until the publisher runs; false if it did not within {@code timeout}. */
  boolean awaitPublishing(Duration timeout) throws InterruptedException {
    return publishing.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The metrics, health and ops endpoint, once {@link #run} has started them. */
  Optional<Ops> ops() {
    return Optional.ofNullable(ops);
  }

  /** Runs until {@link #requestStop}; returns the exit code. */
  int run() throws IOException, InterruptedException {
    HeraldConfig cfg = config.get();
    LOG.info("starting herald {} with config {}", Version.number(), ConfigPrinter.describe(cfg));
    Ops started;
    try {
      started =
          Ops.start(
              cfg.ops(),
              clock,
              () -> config.get().publisher().pollInterval(),
              this::workers,
              Version.number());
    } catch (IOException e) {
      LOG.error(
          "cannot serve metrics and health on ops.listen {}: {}; set ops.listen to a free"
              + " address, or to off",
          cfg.ops().listen(),
          e.toString());
      return ExitCodes.FAILURE;
    }
    ops = started;
    started
        .address()
        .ifPresent(
            a ->
                LOG.info(
                    "serving /metrics, /healthz and /readyz on http://{}:{}",
                    a.getHostString(),
                    a.getPort()));
    if (stopRequested.getCount() == 0) {
      started.stopping();
    }
    try {
      return publish(cfg, started);
    } finally {
      started.close(); // last, so that health says "stopping" until the end
      LOG.info("stopped");
    }
  }

  private int publish(HeraldConfig cfg, Ops ops) throws IOException, InterruptedException {
    RedisTarget target = RedisTarget.of(cfg);
    EmbeddedRedis embedded = target.embedded() ? startEmbedded(cfg, target) : null;
    RedisBackend backend = null;
    AutoCloseable wakeups = null;
    PublisherLoop running;
    IntakeLoop intake = null;
    OutboxRelay relay = null;
    try {
      backend = connect(cfg, target);
      if (backend == null) {
        return ExitCodes.OK; // stopped before Redis answered
      }
      ops.connected(backend.stats(), backend::ping, this::streams);
      Waiter waiter = new Waiter(clock);
      wakeups =
          backend
              .wakeups()
              .subscribe(
                  waiter::signal,
                  e ->
                      troubleLog.warn("wakeups", "wake-up listener: {}; retrying", e.getMessage()));
      synchronized (this) {
        // Under the lock, so that a reload sees either no loop (and its workers count from the
        // config) or the started one.
        loop = publisher(backend, waiter, FanOutListener.of(ops.publisherListener(), listener));
        loop.start();
        running = loop;
      }
      intake = intake(backend, ops);
      intake.start();
      relay = outboxRelay(backend, ops);
      ops.publishing();
      publishing.countDown();
      stopRequested.await();
      Duration grace = config.get().publisher().shutdownGrace();
      LOG.info(
          "stopping: finishing the batches in hand (shutdown grace {})", Durations.format(grace));
      intake.stop(grace); // intake first: stop taking new work
      relay.stop(grace);
      running.stop(grace);
      return ExitCodes.OK;
    } finally {
      if (intake != null && intake.isRunning()) {
        intake.stop(Duration.ZERO);
      }
      closeQuietly("outbox relay", relay);
      closeQuietly("wake-up listener", wakeups);
      closeQuietly("Redis connections", backend);
      closeQuietly("embedded Redis", embedded);
    }
  }

  /** Reads the config file again (on SIGHUP); see {@link ConfigReloader}. */
  void reload(Supplier<HeraldConfig> loader) {
    reloader.reload(loader);
  }

  private synchronized void resize(int workers) {
    if (loop != null) {
      loop.resize(workers);
    }
  }

  private synchronized int workers() {
    return loop != null ? loop.workers() : config.get().publisher().workers();
  }

  private Collection<String> streams() {
    return channels.streams();
  }

  private PublisherLoop publisher(RedisBackend backend, Waiter waiter, PublisherListener listener) {
    HeraldConfig cfg = config.get();
    return new PublisherSetup(
            backend.routes(),
            new EventEncoder(channels),
            this::publishSettings,
            () -> config.get().publisher().pollInterval(),
            clock,
            listener)
        .loop(
            cfg.publisher().workers(),
            waiter,
            processTag(),
            new Janitor(
                backend.routes(),
                backend.deadLetters(),
                this::deadLetterRetention,
                clock,
                listener));
  }

  /** The consumer of the intents stream; its reads block on a connection of their own. */
  private IntakeLoop intake(RedisBackend backend, Ops ops) {
    IntentStream stream = backend.intents(CliContext.intentNames(config.get()), INTAKE_BLOCK);
    IntakeCycle cycle =
        new IntakeCycle(
            stream,
            this::intakeSettings,
            new NotificationIds(),
            clock,
            ops.intakeListener(),
            hostName() + "-" + ProcessHandle.current().pid());
    return new IntakeLoop(stream, cycle, INTAKE_BLOCK);
  }

  /** The outbox relay (idle unless sources.postgres.enabled), with an intake of its own. */
  private OutboxRelay outboxRelay(RedisBackend backend, Ops ops) {
    PostgresSourceSettings pg = config.get().sources().postgres();
    Supplier<NotificationValidator> rules = () -> intakeSettings().validator();
    Intake intake =
        new Intake(
            backend.notifications(),
            rules,
            new NotificationIds(),
            clock,
            pg::idempotencyWindow,
            OutboxRelay.intakeListener(ops.intakeListener()));
    return OutboxRelay.start(pg, intake, rules, ops.outboxListener(), clock, processTag());
  }

  private IntakeCycle.Settings intakeSettings() {
    HeraldConfig cfg = config.get();
    return new IntakeCycle.Settings(
        cfg.intake().batchSize(),
        cfg.intake().claimIdle(),
        cfg.intake().idempotencyWindow(),
        new NotificationValidator(channels.names(), cfg.intake().maxPayloadBytes()));
  }

  private DeadLetterRetention deadLetterRetention() {
    HeraldConfig cfg = config.get();
    return new DeadLetterRetention(
        Optional.ofNullable(cfg.deadLetters().maxCount()),
        Optional.ofNullable(cfg.deadLetters().maxAge()));
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
                target.endpoint(), cfg.namespace(), POOL_SIZE, CliContext.retention(cfg), clock);
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
