package dev.herald.daemon;

import dev.herald.channel.ChannelActions;
import dev.herald.clock.AlignedClock;
import dev.herald.config.ConfigException;
import dev.herald.config.HeraldConfig;
import dev.herald.config.PostgresSourceSettings;
import dev.herald.intake.Intake;
import dev.herald.intake.IntakeListener;
import dev.herald.outbox.OutboxDatabase;
import dev.herald.store.IntentStream;
import dev.herald.store.redis.RedisBackend;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a one-shot command (or a benchmark) works with: the config, a connection to the same store
 * the daemon uses, the same time base (Redis's clock), so that {@code now} means the same on every
 * host (a {@code --older-than 7d} or a {@code submit}'s idempotency window is not cut short by a
 * host clock that runs ahead), and the parts built on them as the daemon builds them.
 */
public final class Stores implements AutoCloseable {

  private final HeraldConfig config;
  private final RedisTarget target;
  private final AlignedClock clock;
  private final int poolSize;
  private RedisBackend backend;

  /**
   * @param hostClock this host's clock: only compared with Redis's
   * @param poolSize connections to keep
   * @throws dev.herald.config.ConfigException when the config names no Redis
   */
  public Stores(HeraldConfig config, Clock hostClock, int poolSize) {
    this.config = config;
    this.target = RedisTarget.of(config);
    this.clock = new AlignedClock(hostClock, System::nanoTime);
    this.poolSize = poolSize;
  }

  /** For a command: two connections, this host's clock compared with Redis's. */
  public static Stores open(HeraldConfig config) {
    return new Stores(config, Clock.systemUTC(), 2);
  }

  public HeraldConfig config() {
    return config;
  }

  public RedisTarget target() {
    return target;
  }

  /** Redis's time, measured once when the command connects (connecting first if need be). */
  public Clock clock() {
    backend();
    return clock;
  }

  /** This host's clock minus Redis's, as measured when the command connected. */
  public Optional<Duration> clockOffset() {
    backend();
    return clock.offset();
  }

  /**
   * Connects on first use.
   *
   * @throws dev.herald.store.StoreUnavailableException with a hint, when nothing answers
   */
  public RedisBackend backend() {
    if (backend == null) {
      backend = target.connectAligned(config, poolSize, clock);
    }
    return backend;
  }

  /** The parts of this config, on Redis's time. */
  public Assembly assembly() {
    return Assembly.of(config, clock());
  }

  /** What an operator does to channels (list, pause, resume, rate limits), as the console does. */
  public ChannelActions channels() {
    return new ChannelActions(
        backend().channelControls(), config.channels(), config.rateLimits(), clock());
  }

  /** An intake as the daemon's, telling nothing to metrics. */
  public Intake intake() {
    return assembly().intake(backend().notifications(), IntakeListener.NONE);
  }

  /** The intents stream of the config, on a connection of its own. */
  public IntentStream intents() {
    return config.intake().streamEnabled()
        ? backend().intents(CycleSettings.intentNames(config), Duration.ZERO)
        : new NoIntents(backend().stats());
  }

  /** The spool of a config, as {@code herald run} opens it. */
  public static dev.herald.spool.SpoolOptions spoolOptions(HeraldConfig config) {
    return ApiRuntime.options(config.spool());
  }

  /**
   * The outbox database of a config, for the outbox commands: two connections.
   *
   * @throws ConfigException unless {@code sources.postgres.url} is set (enabled or not)
   */
  public static OutboxDatabase outboxDatabase(HeraldConfig config) {
    PostgresSourceSettings pg = config.sources().postgres();
    if (pg.url() == null) {
      throw new ConfigException(
          null,
          List.of(
              "sources.postgres.url is not set: the outbox commands need the database it names"));
    }
    return OutboxDatabase.open(pg, 2, "herald-cli");
  }

  @Override
  public void close() {
    if (backend != null) {
      backend.close();
    }
  }
}
