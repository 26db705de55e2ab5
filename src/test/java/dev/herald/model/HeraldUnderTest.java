package dev.herald.model;

import dev.herald.backoff.RetryPlanner;
import dev.herald.domain.Channel;
import dev.herald.domain.Channels;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationValidator;
import dev.herald.intake.Intake;
import dev.herald.intake.IntakeCycle;
import dev.herald.intake.IntakeListener;
import dev.herald.publish.EventEncoder;
import dev.herald.publish.Janitor;
import dev.herald.publish.PublishCycle;
import dev.herald.publish.PublishSettings;
import dev.herald.publish.PublisherListener;
import dev.herald.store.IntentStream;
import dev.herald.store.RouteStore;
import dev.herald.store.redis.RedisBackend;
import dev.herald.store.redis.RedisKeys;
import dev.herald.store.redis.RedisRouteStore.RetentionPolicy;
import dev.herald.testing.Harness;
import dev.herald.testing.MutableClock;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.RedisTestSupport;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import redis.clients.jedis.RedisClient;

/**
 * Herald as one sequence drives it: a namespace of its own on the test's private Redis, a
 * hand-moved clock, the stores (on a direct connection and on one through the {@link
 * ReplyDroppingProxy}), the intake, one publish cycle and the janitor, and the faults a step can
 * inject.
 */
final class HeraldUnderTest implements AutoCloseable {

  static final Duration LEASE = Duration.ofSeconds(30);
  static final Duration RETENTION = Duration.ofMinutes(10);
  static final Duration WINDOW = Duration.ofHours(1);
  static final int HISTORY = 3;
  static final int DEFAULT_MAX_ATTEMPTS = 3;
  static final List<String> CHANNELS = List.of("push", "email");

  final MutableClock clock = MutableClock.atNoon();
  final String namespace;
  final RedisKeys keys;
  final Channels channels;
  final RedisServerProcess redis;
  final ReplyDroppingProxy proxy;
  final RedisBackend direct;
  final RedisBackend lossy;
  final RedisClient raw;
  final TimedRouteStore directRoutes;
  final TimedRouteStore lossyRoutes;
  final RecordingRouteStore cycleStore;
  final PublishCycle cycle;
  final Janitor janitor;
  final EventEncoder encoder;
  final Set<String> brokenStreams = new HashSet<>();

  /** What the publish cycle's breaker did, for the run's statistics. */
  final Set<String> breakerEvents = new HashSet<>();

  final IntentStream.Names intentNames;
  final SwitchingIntentStream intents;
  final IntakeCycle intakeCycle;

  /** Seeded, so that a sequence run again gets the same ids (and the schedule the same order). */
  private final NotificationIds ids = new NotificationIds(new java.util.Random(42));

  int cycleBatchSize = 500;
  long cycleBatchBytes = RouteStore.DEFAULT_BATCH_BYTES;
  private boolean dropped;

  HeraldUnderTest(RedisServerProcess redis, ReplyDroppingProxy proxy, String namespace) {
    this.redis = redis;
    this.proxy = proxy;
    this.namespace = namespace;
    this.keys = new RedisKeys(namespace);
    this.channels =
        new Channels(
            CHANNELS.stream().map(c -> new Channel(c, stream(namespace, c), 10_000_000)).toList());
    RetentionPolicy retention = new RetentionPolicy(RETENTION, HISTORY);
    this.direct = RedisTestSupport.backend(redis.url(), namespace, clock, retention);
    this.lossy = RedisTestSupport.backend(proxy.url(), namespace, clock, retention);
    this.raw = RedisTestSupport.raw(redis.url());
    this.encoder = new EventEncoder(channels);
    this.directRoutes = new TimedRouteStore(direct.routes());
    this.lossyRoutes = new TimedRouteStore(lossy.routes());
    this.cycleStore = new RecordingRouteStore(directRoutes, this::dueGroups);
    PublishSettings settings =
        new PublishSettings(
            0, LEASE, new RetryPlanner(Harness.exactBackoff()), DEFAULT_MAX_ATTEMPTS);
    this.cycle =
        new PublishCycle(
            cycleStore,
            encoder,
            () ->
                new PublishSettings(
                    cycleBatchSize,
                    settings.lease(),
                    settings.retries(),
                    settings.maxAttempts(),
                    cycleBatchBytes,
                    true),
            clock,
            new PublisherListener() {
              @Override
              public void onBreakerOpened(String stream, String reason) {
                breakerEvents.add("the cycle's breaker opened");
              }

              @Override
              public void onBreakerClosed(String stream, Duration openFor) {
                breakerEvents.add("the cycle's breaker closed");
              }
            },
            "c0");
    this.janitor = new Janitor(direct.routes(), clock);
    // Outside the namespace, as a configured intents stream is.
    this.intentNames =
        new IntentStream.Names("in:" + namespace, "herald", "in:" + namespace + ":rejected", 1_000);
    this.intents =
        new SwitchingIntentStream(
            direct.intents(intentNames, Duration.ofSeconds(1)),
            lossy.intents(intentNames, Duration.ofSeconds(1)));
    intents.createGroup();
    this.intakeCycle =
        new IntakeCycle(
            intents,
            () ->
                new IntakeCycle.Settings(
                    100,
                    Duration.ofMinutes(10),
                    WINDOW,
                    new NotificationValidator(channels.names(), 65_536)),
            ids,
            clock,
            IntakeListener.NONE,
            "i0");
  }

  /** Schedule entries due at {@code now} (read before a claim, for the model's liveness check). */
  long dueGroups(java.time.Instant now) {
    return raw.zcount(keys.schedule(), "-inf", Long.toString(now.toEpochMilli()));
  }

  /** Streams live outside the namespace, as configured streams do. */
  static String stream(String namespace, String channel) {
    return "gw:" + namespace + ":" + channel;
  }

  List<String> streams() {
    return channels.streams();
  }

  Intake intake(boolean lossyConnection) {
    return new Intake(
        (lossyConnection ? lossy : direct).notifications(),
        () -> new NotificationValidator(channels.names(), 65_536),
        ids,
        clock,
        () -> WINDOW);
  }

  TimedRouteStore routes(Fault fault) {
    return fault.losesReplies() ? lossyRoutes : directRoutes;
  }

  /**
   * Runs a store call under a fault: OOM sets {@code maxmemory} to one byte for the call; a lost
   * reply arms the proxy (the call must go through {@link #lossy}). Returns what the call returned.
   */
  <T> T under(Fault fault, Supplier<T> call) {
    if (fault == Fault.OOM) {
      redis.call("CONFIG", "SET", "maxmemory", "1");
    } else if (fault.losesReplies()) {
      proxy.armDrop(fault == Fault.REPLY_LOST_REPEATEDLY);
    }
    try {
      return call.get();
    } finally {
      if (fault == Fault.OOM) {
        redis.call("CONFIG", "SET", "maxmemory", "0");
      } else if (fault.losesReplies()) {
        dropped = proxy.disarm();
      }
    }
  }

  /** True when the last call run {@link #under} a lost reply had its reply dropped. */
  boolean dropped() {
    boolean d = dropped;
    dropped = false;
    return d;
  }

  /** The stream key now holds a string: every append to it fails (WRONGTYPE). Kept aside. */
  void breakStream(String channel) {
    String stream = stream(namespace, channel);
    if (brokenStreams.add(stream)) {
      if (raw.exists(stream)) {
        raw.rename(stream, stream + ".kept");
      }
      raw.set(stream, "not a stream");
    }
  }

  void fixStreams() {
    for (String stream : brokenStreams) {
      raw.del(stream);
      if (raw.exists(stream + ".kept")) {
        raw.rename(stream + ".kept", stream);
      }
    }
    brokenStreams.clear();
  }

  /** SIGKILL and start again on the same AOF ({@code appendfsync always}: nothing is lost). */
  void restartRedis() {
    redis.kill();
    redis.startAgain(Duration.ofSeconds(60));
    dropBrokenConnections();
  }

  /** Pooled connections to the killed server fail once each and are dropped. */
  void dropBrokenConnections() {
    intents.dropBrokenConnections();
    for (int i = 0; i < 20; i++) {
      for (Runnable ping : List.<Runnable>of(direct::ping, lossy::ping, raw::ping)) {
        try {
          ping.run();
        } catch (RuntimeException broken) {
          // the pool drops it
        }
      }
    }
  }

  @Override
  public void close() {
    direct.close();
    lossy.close();
    raw.close();
  }
}
