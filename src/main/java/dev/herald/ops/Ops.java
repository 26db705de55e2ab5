package dev.herald.ops;

import dev.herald.api.ApiListener;
import dev.herald.channel.ChannelActions.ChannelView;
import dev.herald.config.OpsSettings;
import dev.herald.intake.IntakeListener;
import dev.herald.outbox.OutboxListener;
import dev.herald.publish.PublisherListener;
import dev.herald.spool.SpoolFigures;
import dev.herald.spool.SpoolListener;
import dev.herald.store.PrimaryStatus;
import dev.herald.store.StatsStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Herald's operations side in one place: the metrics, liveness and readiness, and the HTTP server
 * that shows them on {@code ops.listen}. Started first and closed last by the daemon, so that it
 * answers while Herald waits for Redis and while it shuts down.
 */
public final class Ops implements AutoCloseable {

  private final OpsSettings settings;
  private final Metrics metrics;
  private final BreakerMetrics breakerMetrics;
  private final IntakeMetrics intakeMetrics;
  private final SpoolMetrics spoolMetrics;
  private final OutboxMetrics outboxMetrics;
  private final Health health;
  private final Readiness readiness;
  private final PublisherListener publisherListener;
  private OpsServer server;
  private StoreCollector storeCollector;
  private ChannelMetrics channelMetrics;
  private ProcessMetrics processMetrics;
  private boolean primaryRegistered;

  private Ops(
      OpsSettings settings,
      Clock clock,
      Supplier<Duration> pollInterval,
      Supplier<Duration> redisTimeout,
      IntSupplier workers,
      String version) {
    this.settings = settings;
    this.metrics = new Metrics(settings.maxTypeLabels(), workers, version);
    this.intakeMetrics = new IntakeMetrics(metrics.registry(), metrics);
    this.spoolMetrics = new SpoolMetrics(metrics.registry());
    this.outboxMetrics = new OutboxMetrics(metrics.registry());
    this.health = new Health(clock, pollInterval, redisTimeout);
    this.readiness = new Readiness(settings.readyTimeout());
    this.breakerMetrics = new BreakerMetrics(metrics.registry());
    this.publisherListener = FanOutListener.of(metrics, breakerMetrics, health);
  }

  /**
   * Sets up the metrics and, unless {@code ops.listen} is {@code off}, starts serving them.
   *
   * @param clock this process's clock, for liveness (how long since the last cycle)
   * @param pollInterval the publisher's poll interval, read at each health check
   * @param redisTimeout the longest a Redis call takes, read at each health check
   * @param workers the publisher's worker count, read at each scrape
   * @throws IOException when {@code ops.listen} cannot be bound
   */
  public static Ops start(
      OpsSettings settings,
      Clock clock,
      Supplier<Duration> pollInterval,
      Supplier<Duration> redisTimeout,
      IntSupplier workers,
      String version)
      throws IOException {
    Ops ops = new Ops(settings, clock, pollInterval, redisTimeout, workers, version);
    if (settings.enabled()) {
      InetSocketAddress unresolved = settings.address();
      ops.server =
          OpsServer.start(
              new InetSocketAddress(unresolved.getHostString(), unresolved.getPort()),
              ops.metrics.registry(),
              ops.health::check,
              ops.readiness::check);
    }
    return ops;
  }

  /** Where it serves, when it does (with the real port when {@code ops.listen} asked for 0). */
  public Optional<InetSocketAddress> address() {
    return Optional.ofNullable(server).map(OpsServer::address);
  }

  /**
   * Serves {@code json}, the streams consumers read ({@code herald streams --json}), at {@code GET
   * /streams}, when ops are served at all.
   */
  public void serveStreams(String json) {
    if (server != null) {
      server.json("/streams", json + "\n");
    }
  }

  /** Metrics and health in one listener, for the publisher loop. */
  public PublisherListener publisherListener() {
    return publisherListener;
  }

  /** Metrics for the intake paths that run in this process. */
  public IntakeListener intakeListener() {
    return intakeMetrics;
  }

  /** Metrics for the spool of the HTTP API. */
  public SpoolListener spoolListener() {
    return spoolMetrics;
  }

  /** Metrics for the HTTP API's requests. */
  public ApiListener apiListener() {
    return spoolMetrics;
  }

  /** The spool's gauges (bytes, records, oldest record age) are read from it at each scrape. */
  public void watchSpool(Supplier<SpoolFigures> figures) {
    spoolMetrics.watch(figures);
  }

  /** Metrics for the PostgreSQL outbox relay, when it runs in this process. */
  public OutboxListener outboxListener() {
    return outboxMetrics;
  }

  /**
   * Redis answers: readiness pings it, and each scrape reads the store's figures.
   *
   * @param ping one round trip to Redis, saying who answered ({@code primary host:port}); throws
   *     when it fails
   * @param streams the streams whose length to report
   * @param intake the intents stream, whose length is the intake's backlog
   * @param storeClock the clock the store's times are judged by (the schedule's lag)
   * @param status the clock offset and eviction policy, for the metrics and the readiness body
   * @param primary the failovers followed and the batches replicas did not acknowledge
   */
  public synchronized void connected(
      StatsStore stats,
      Supplier<String> ping,
      Supplier<Collection<String>> streams,
      String intake,
      Clock storeClock,
      RedisStatus status,
      PrimaryStatus primary) {
    readiness.connected(ping, status::warnings);
    breakerMetrics.known(streams.get());
    storeCollector =
        new StoreCollector(stats, streams, intake, storeClock, settings.readyTimeout(), metrics);
    metrics.registry().register(storeCollector);
    ServerMetrics.register(metrics.registry(), status);
    if (!primaryRegistered) {
      ServerMetrics.register(metrics.registry(), primary);
      primaryRegistered = true;
    }
  }

  /**
   * Each scrape reads the channels' controls (paused, rate limits) and how many processes keep a
   * heartbeat too, and tells the stored format this process writes ({@code storedFormat}, no I/O).
   */
  public synchronized void watchChannels(
      Supplier<List<ChannelView>> channels,
      java.util.function.IntSupplier processes,
      java.util.function.IntSupplier storedFormat) {
    channelMetrics = new ChannelMetrics(channels, settings.readyTimeout());
    metrics.registry().register(channelMetrics);
    processMetrics = new ProcessMetrics(processes, storedFormat, settings.readyTimeout());
    metrics.registry().register(processMetrics);
  }

  /** The publisher loop runs: liveness is judged by its progress from now on. */
  public void publishing() {
    health.started();
  }

  /** Shutting down: health and readiness answer 503 from now on. */
  public void stopping() {
    health.stopping();
    readiness.stopping();
  }

  public Check health() {
    return health.check();
  }

  public Check readiness() {
    return readiness.check();
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.close();
    }
    if (storeCollector != null) {
      metrics.registry().unregister(storeCollector);
      storeCollector.close();
    }
    if (channelMetrics != null) {
      metrics.registry().unregister(channelMetrics);
      channelMetrics.close();
      metrics.registry().unregister(processMetrics);
      processMetrics.close();
    }
    readiness.close();
  }
}
