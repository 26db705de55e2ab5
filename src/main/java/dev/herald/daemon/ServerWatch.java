package dev.herald.daemon;

import dev.herald.clock.AlignedClock;
import dev.herald.config.ConfigException;
import dev.herald.loop.DaemonTimer;
import dev.herald.ops.RedisStatus;
import dev.herald.store.EvictionPolicy;
import dev.herald.store.EvictionPolicy.Risk;
import dev.herald.store.ServerInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the daemon checks about its Redis at start and keeps watching: the clock every Herald
 * process shares (aligned to Redis's {@code TIME}, measured again every 30 s) and the {@code
 * maxmemory-policy} (read again as often). An {@code allkeys-*} policy stops Herald at start; a
 * {@code volatile-*} or unreadable one is logged, and shown by {@code /readyz} and the metrics.
 */
final class ServerWatch implements RedisStatus, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ServerWatch.class);

  private final ServerInfo server;
  private final AlignedClock clock;
  private final String where;
  private volatile EvictionPolicy policy = EvictionPolicy.unknown("not read yet");
  private ScheduledExecutorService timer;

  /**
   * @param where the Redis, as safe to log
   */
  ServerWatch(ServerInfo server, AlignedClock clock, String where) {
    this.server = server;
    this.clock = clock;
    this.where = where;
  }

  /**
   * Aligns the clock and reads the eviction policy.
   *
   * @throws ConfigException when the policy lets Redis evict any key ({@code allkeys-*})
   * @throws dev.herald.store.StoreUnavailableException when Redis does not answer: try again
   */
  void checkAtStart() {
    clock.align(server::time);
    LOG.info(
        "keeping time by Redis's clock (TIME); this host's clock is {} off it",
        clock.offset().map(AlignedClock::formatOffset).orElse("?"));
    EvictionPolicy read = server.evictionPolicy();
    if (read.risk() == Risk.ANY_KEY) {
      throw new ConfigException("Redis at " + where, List.of(read.problem().orElseThrow()));
    }
    policy = read;
    read.problem().ifPresent(p -> LOG.warn("{} (read with {})", p, read.source()));
  }

  /** Measures the clock and reads the policy again every {@code every}, on a daemon thread. */
  synchronized void start(Duration every) {
    timer = DaemonTimer.named("herald-server-watch");
    long ms = every.toMillis();
    timer.scheduleWithFixedDelay(this::recheck, ms, ms, TimeUnit.MILLISECONDS);
  }

  private void recheck() {
    clock.refresh();
    EvictionPolicy read;
    try {
      read = server.evictionPolicy();
    } catch (RuntimeException e) {
      return; // Redis trouble: the publisher loop reports it
    }
    EvictionPolicy before = policy;
    policy = read;
    if (Objects.equals(before.policy(), read.policy())) {
      return;
    }
    Optional<String> problem = read.problem();
    if (problem.isEmpty()) {
      LOG.info(
          "Redis's maxmemory-policy is now {}: it evicts none of Herald's keys", read.policy());
    } else if (read.risk() == Risk.ANY_KEY) {
      LOG.error("{}; Herald keeps running, but refuses to start on it", problem.get());
    } else {
      LOG.warn("{}", problem.get());
    }
  }

  @Override
  public Optional<Duration> clockOffset() {
    return clock.offset();
  }

  @Override
  public EvictionPolicy evictionPolicy() {
    return policy;
  }

  @Override
  public List<String> warnings() {
    List<String> out = new ArrayList<>();
    policy.problem().ifPresent(out::add);
    clock.skewWarning().ifPresent(out::add);
    return out;
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
