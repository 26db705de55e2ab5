package dev.herald.cli;

import dev.herald.clock.AlignedClock;
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
import dev.herald.publish.EventEncoder;
import dev.herald.publish.Janitor;
import dev.herald.publish.PublisherListener;
import dev.herald.publish.PublisherLoop;
import dev.herald.publish.PublisherSetup;
import dev.herald.publish.RateLimitedLog;
import dev.herald.publish.Waiter;
import dev.herald.store.IntentStream;
import dev.herald.store.redis.RedisBackend;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
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
 * Everything the store sees is timed by Redis's clock ({@link DaemonConnection} aligns it).
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

  /** This host's clock: for liveness only, which measures time within this process. */
  private final Clock hostClock;

  /** Redis's time, which every Herald process shares: for everything the store sees. */
  private final AlignedClock clock;

  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch publishing = new CountDownLatch(1);
  private final RateLimitedLog troubleLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  private final PublisherListener listener;
  private final ConfigReloader reloader;
  private volatile Ops ops;
  private volatile ApiRuntime api;
  private PublisherLoop loop; // guarded by this

  /** How long one read of the intents stream waits while it is empty (no busy polling). */
  private static final Duration INTAKE_BLOCK = Duration.ofSeconds(1);

  /**
   * @param channels the channels routes may use and their streams
   * @param listener told of publisher events besides the metrics and health
   */
  Daemon(HeraldConfig config, Channels channels, PublisherListener listener) {
    this(config, channels, listener, Clock.systemUTC());
  }

  /** As on a host whose own clock is {@code hostClock}: for tests of a skewed host. */
  Daemon(HeraldConfig config, Channels channels, PublisherListener listener, Clock hostClock) {
    this.hostClock = hostClock;
    this.clock = new AlignedClock(hostClock, System::nanoTime);
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

  /** Where the HTTP API serves, once {@link #run} has started it. */
  Optional<java.net.InetSocketAddress> apiAddress() {
    ApiRuntime a = api;
    return a == null ? Optional.empty() : a.address();
  }

  /** Runs until {@link #requestStop}; returns the exit code. */
  int run() throws IOException, InterruptedException {
    HeraldConfig cfg = config.get();
    RedisTarget target = RedisTarget.of(cfg); // a config naming no Redis stops here (exit 78)
    LOG.info("starting herald {} with config {}", Version.number(), ConfigPrinter.describe(cfg));
    Ops started;
    try {
      started =
          Ops.start(
              cfg.ops(),
              hostClock,
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
    ApiRuntime api;
    try {
      // Before Redis: it answers from the spool. Until Herald has reached Redis, the spool's
      // times are this host's.
      api = ApiRuntime.start(cfg, clock.orElse(hostClock), started);
    } catch (IOException e) {
      LOG.error(
          "cannot serve the API: {}; set api.listen and spool.dir, or api.listen: off",
          e.getMessage());
      started.close();
      return ExitCodes.FAILURE;
    }
    this.api = api;
    try {
      return publish(cfg, target, started, api);
    } finally {
      started.close(); // last, so that health says "stopping" until the end
      LOG.info("stopped");
    }
  }

  private int publish(HeraldConfig cfg, RedisTarget target, Ops ops, ApiRuntime api)
      throws IOException, InterruptedException {
    DaemonConnection redis = null;
    AutoCloseable wakeups = null;
    PublisherLoop running;
    IntakeLoop intake = null;
    OutboxRelay relay = null;
    try {
      redis = DaemonConnection.open(cfg, target, POOL_SIZE, clock, stopRequested, troubleLog);
      if (redis == null) {
        return ExitCodes.OK; // stopped before Redis answered
      }
      RedisBackend backend = redis.backend();
      redis.watch().start(AlignedClock.REFRESH_EVERY);
      ops.connected(backend.stats(), backend::ping, this::streams, clock, redis.watch());
      api.connected(backend.notifications());
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
      api.stopAccepting(grace); // first: stop taking new work
      intake.stop(grace);
      relay.stop(grace);
      running.stop(grace);
      return ExitCodes.OK;
    } finally {
      if (intake != null && intake.isRunning()) {
        intake.stop(Duration.ZERO);
      }
      closeQuietly("API and spool", api); // the spool's appends written before Redis goes
      closeQuietly("outbox relay", relay);
      closeQuietly("wake-up listener", wakeups);
      closeQuietly("Redis connections", redis);
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
            () -> DaemonSettings.publish(config.get()),
            () -> config.get().publisher().pollInterval(),
            clock,
            listener,
            backend.breakers())
        .loop(
            cfg.publisher().workers(),
            waiter,
            ProcessNames.leaseTag(),
            new Janitor(
                backend.routes(),
                backend.deadLetters(),
                () -> DaemonSettings.deadLetterRetention(config.get()),
                clock,
                listener));
  }

  /** The consumer of the intents stream; its reads block on a connection of their own. */
  private IntakeLoop intake(RedisBackend backend, Ops ops) {
    IntentStream stream = backend.intents(CliContext.intentNames(config.get()), INTAKE_BLOCK);
    IntakeCycle cycle =
        new IntakeCycle(
            stream,
            () -> DaemonSettings.intake(config.get(), channels),
            new NotificationIds(),
            clock,
            ops.intakeListener(),
            ProcessNames.consumer());
    return new IntakeLoop(stream, cycle, INTAKE_BLOCK);
  }

  /** The outbox relay (idle unless sources.postgres.enabled), with an intake of its own. */
  private OutboxRelay outboxRelay(RedisBackend backend, Ops ops) {
    PostgresSourceSettings pg = config.get().sources().postgres();
    Supplier<NotificationValidator> rules =
        () -> DaemonSettings.intake(config.get(), channels).validator();
    Intake intake =
        new Intake(
            backend.notifications(),
            rules,
            new NotificationIds(),
            clock,
            pg::idempotencyWindow,
            OutboxRelay.intakeListener(ops.intakeListener()));
    return OutboxRelay.start(
        pg, intake, rules, ops.outboxListener(), clock, ProcessNames.leaseTag());
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
