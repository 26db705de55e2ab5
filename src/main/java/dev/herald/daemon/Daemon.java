package dev.herald.daemon;

import dev.herald.channel.ChannelActions;
import dev.herald.clock.AlignedClock;
import dev.herald.config.ConfigPrinter;
import dev.herald.config.Durations;
import dev.herald.config.HeraldConfig;
import dev.herald.config.PublisherSettings;
import dev.herald.intake.IntakeLoop;
import dev.herald.logging.RateLimitedLog;
import dev.herald.ops.FanOutListener;
import dev.herald.ops.Ops;
import dev.herald.outbox.OutboxRelay;
import dev.herald.publish.PublisherListener;
import dev.herald.store.redis.RedisBackend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-running {@code herald run}: starts the ops endpoint and the API, connects to Redis, runs
 * the publisher, the intake and the outbox relay (built by {@link Assembly}), and shuts them down
 * in order: stop taking new work (the API, the intake, then the outbox relay, each finishing what
 * it has in hand), stop claiming and finish or abandon (lease runs out) the batches in hand, stop
 * the wake-up listener, close the API's spool and Redis, stop the embedded Redis if we started it,
 * stop the ops HTTP server last. Each wait is bounded by {@code publisher.shutdown-grace}.
 * Everything the store sees is timed by Redis's clock ({@link RedisConnection} aligns it).
 *
 * <p>The config lives in an {@link AtomicReference} that every cycle reads, so a {@link #reload}
 * applies backoff, attempts, batch size, lease and poll interval from the next cycle on; the worker
 * count it applies at once.
 */
public final class Daemon {

  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

  /** Connections: one per worker, as many as a reload may ask for, plus wake-ups and ops. */
  private static final int POOL_SIZE = PublisherSettings.MAX_WORKERS + 4;

  private final AtomicReference<HeraldConfig> config;

  /** This host's clock: for liveness only, which measures time within this process. */
  private final Clock hostClock;

  /** Redis's time, which every Herald process shares: for everything the store sees. */
  private final AlignedClock clock;

  private final Assembly assembly;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch publishing = new CountDownLatch(1);
  private final RateLimitedLog troubleLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  private final PublisherListener listener;
  private final ConfigReloader reloader;
  private volatile Ops ops;
  private volatile ApiRuntime api;
  private volatile ConsoleRuntime console;
  private Publisher publisher; // guarded by this

  /**
   * @param listener told of publisher events besides the metrics and health
   */
  public Daemon(HeraldConfig config, PublisherListener listener) {
    this(config, listener, Clock.systemUTC());
  }

  /** As on a host whose own clock is {@code hostClock}: for tests of a skewed host. */
  public Daemon(HeraldConfig config, PublisherListener listener, Clock hostClock) {
    this.hostClock = hostClock;
    this.clock = new AlignedClock(hostClock, System::nanoTime);
    this.config = new AtomicReference<>(config);
    this.assembly = new Assembly(this.config::get, config.channels(), clock);
    this.listener = listener;
    this.reloader = new ConfigReloader(this.config, this::resize);
  }

  /** Begins the shutdown; {@link #run} returns once it is done. */
  public void requestStop() {
    stopRequested.countDown();
    Ops o = ops;
    if (o != null) {
      o.stopping();
    }
  }

  /** Waits until the publisher runs; false if it did not within {@code timeout}. */
  public boolean awaitPublishing(Duration timeout) throws InterruptedException {
    return publishing.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The metrics, health and ops endpoint, once {@link #run} has started them. */
  public Optional<Ops> ops() {
    return Optional.ofNullable(ops);
  }

  /** Where the HTTP API serves, once {@link #run} has started it. */
  public Optional<InetSocketAddress> apiAddress() {
    ApiRuntime a = api;
    return a == null ? Optional.empty() : a.address();
  }

  /** Where the console serves, once {@link #run} has started it. */
  public Optional<InetSocketAddress> consoleAddress() {
    ConsoleRuntime c = console;
    return c == null ? Optional.empty() : c.address();
  }

  /** Herald's version from the jar's manifest, or {@code dev} when not run from the jar. */
  public static String version() {
    String v = Daemon.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /**
   * Runs until {@link #requestStop}; true when it stopped cleanly, false when it could not serve
   * (ops.listen or the API could not be bound, logged).
   */
  public boolean run() throws IOException, InterruptedException {
    HeraldConfig cfg = config.get();
    RedisTarget target = RedisTarget.of(cfg); // a config naming no Redis stops here (exit 78)
    LOG.info("starting herald {} with config {}", version(), ConfigPrinter.describe(cfg));
    Ops started;
    try {
      started =
          Ops.start(
              cfg.ops(),
              hostClock,
              () -> config.get().publisher().pollInterval(),
              () -> config.get().redis().timeout(),
              this::workers,
              version());
    } catch (IOException e) {
      LOG.error(
          "cannot serve metrics and health on ops.listen {}: {}; set ops.listen to a free"
              + " address, or to off",
          cfg.ops().listen(),
          e.toString());
      return false;
    }
    ops = started;
    started.serveStreams(StreamListing.of(cfg).toString());
    started
        .address()
        .ifPresent(
            a ->
                LOG.info(
                    "serving /metrics, /healthz, /readyz and /streams on http://{}:{}",
                    a.getHostString(),
                    a.getPort()));
    if (stopRequested.getCount() == 0) {
      started.stopping();
    }
    try {
      // Before Redis: it answers from the spool. Until Herald has reached Redis, the spool's
      // times are this host's.
      api = ApiRuntime.start(assembly.withClock(clock.orElse(hostClock)), started);
    } catch (IOException e) {
      LOG.error(
          "cannot serve the API: {}; set api.listen and spool.dir, or api.listen: off",
          e.getMessage());
      started.close();
      return false;
    }
    try {
      return connected(target, started, api);
    } finally {
      started.close(); // last, so that health says "stopping" until the end
      LOG.info("stopped");
    }
  }

  /** Connects, runs until asked to stop, and stops everything but ops in order. */
  private boolean connected(RedisTarget target, Ops ops, ApiRuntime api)
      throws IOException, InterruptedException {
    RedisConnection redis = null;
    Publisher running = null;
    IntakeLoop intake = null;
    OutboxRelay relay = null;
    ProcessHeartbeat heartbeat = null;
    ConsoleRuntime web = null;
    try {
      redis =
          RedisConnection.open(config.get(), target, POOL_SIZE, clock, stopRequested, troubleLog);
      if (redis == null) {
        return true; // stopped before Redis answered
      }
      RedisBackend backend = redis.backend();
      redis.watch().start(AlignedClock.REFRESH_EVERY);
      ops.connected(
          backend.stats(),
          backend::ping,
          assembly.channels()::streams,
          assembly.intentNames().stream(),
          clock,
          redis.watch(),
          backend.primary());
      api.connected(backend.notifications());

      ChannelActions channels = channelActions(backend);
      ops.watchChannels(
          channels::list,
          () -> backend.processes().read(clock.instant()).size(),
          backend.processes()::writeFormat);
      try {
        web = ConsoleRuntime.start(assembly, backend, channels, clock);
      } catch (IOException e) {
        LOG.error("{}; set console.listen to a free address, or to off", e.getMessage());
        return false;
      }
      console = web;
      heartbeat = new ProcessHeartbeat(backend.processes(), clock, this::workers, troubleLog);
      running = startPublisher(backend, FanOutListener.of(ops.publisherListener(), heartbeat));
      heartbeat.start();
      if (config.get().intake().streamEnabled()) {
        intake =
            assembly.intakeLoop(
                backend.intents(assembly.intentNames(), Assembly.INTAKE_BLOCK),
                ops.intakeListener(),
                ProcessNames.consumer());
        intake.start();
      }
      relay =
          assembly.outboxRelay(
              config.get().sources().postgres(),
              backend.notifications(),
              ops.intakeListener(),
              ops.outboxListener(),
              ProcessNames.leaseTag());
      ops.publishing();
      publishing.countDown();
      stopRequested.await();
      Duration grace = config.get().publisher().shutdownGrace();
      LOG.info(
          "stopping: finishing the batches in hand (shutdown grace {})", Durations.format(grace));
      api.stopAccepting(grace); // first: stop taking new work
      web.close();
      if (intake != null) {
        intake.stop(grace);
      }
      relay.stop(grace);
      running.stop(grace);
      return true;
    } finally {
      if (intake != null && intake.isRunning()) {
        intake.stop(Duration.ZERO);
      }
      Closing.quietly("console", web);
      Closing.quietly("API and spool", api); // the spool's appends written before Redis goes
      Closing.quietly("outbox relay", relay);
      Closing.quietly("publisher", running);
      Closing.quietly("heartbeat", heartbeat);
      Closing.quietly("Redis connections", redis);
    }
  }

  private Publisher startPublisher(RedisBackend backend, PublisherListener ours) {
    synchronized (this) {
      // Under the lock, so that a reload sees either no publisher (and its workers count from
      // the config) or the started one.
      publisher =
          assembly.publisher(
              backend, FanOutListener.of(ours, listener), ProcessNames.leaseTag(), troubleLog);
      publisher.start();
      return publisher;
    }
  }

  private ChannelActions channelActions(RedisBackend backend) {
    return new ChannelActions(
        backend.channelControls(), assembly.channels(), config.get().rateLimits(), clock);
  }

  /** Reads the config file again (on SIGHUP); see {@link ConfigReloader}. */
  public void reload(Supplier<HeraldConfig> loader) {
    reloader.reload(loader);
  }

  private synchronized void resize(int workers) {
    if (publisher != null) {
      publisher.resize(workers);
    }
  }

  private synchronized int workers() {
    return publisher != null ? publisher.workers() : config.get().publisher().workers();
  }
}
