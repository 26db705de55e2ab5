package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.backoff.BackoffPolicy;
import dev.herald.backoff.Jitter;
import dev.herald.backoff.RetryPlanner;
import dev.herald.config.RedisEndpoint;
import dev.herald.domain.Channel;
import dev.herald.domain.Channels;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationRequest;
import dev.herald.domain.NotificationValidator;
import dev.herald.intake.Intake;
import dev.herald.intake.SubmitResult;
import dev.herald.loop.Waiter;
import dev.herald.publish.EventEncoder;
import dev.herald.publish.Janitor;
import dev.herald.publish.PublishCycle;
import dev.herald.publish.PublishSettings;
import dev.herald.publish.PublisherListener;
import dev.herald.publish.PublisherLoop;
import dev.herald.store.redis.RedisBackend;
import dev.herald.store.redis.RedisKeys;
import dev.herald.store.redis.RedisRouteStore.RetentionPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.resps.StreamEntry;

/**
 * One test's view of Herald on the shared test Redis: its own namespace and stream, a hand-moved
 * clock, and short-cuts to submit, publish and look at the stream.
 */
public final class Harness implements AutoCloseable {

  /** Moved by hand; only in a harness made without {@link #realTime}. */
  public final MutableClock clock = MutableClock.atNoon();

  /** What everything in this harness reads the time from. */
  public final Clock time;

  public final String namespace;
  public final String stream;
  public final RedisKeys keys;
  public final Channels channels;
  public final RedisBackend backend;
  public final RedisClient raw;
  private final String backendUrl;
  private final List<AutoCloseable> subscriptions = new ArrayList<>();

  public Harness() {
    this(TestRedis.url(), RedisTestSupport.RETENTION, 1_000_000);
  }

  public Harness(String url, RetentionPolicy retention, long streamMaxLength) {
    this(TestRedis.namespace(), url, retention, streamMaxLength, false);
  }

  private Harness(
      String namespace,
      String url,
      RetentionPolicy retention,
      long streamMaxLength,
      boolean realTime) {
    this(
        namespace,
        RedisTestSupport.endpoint(TestRedis.asHerald(url)),
        url,
        retention,
        streamMaxLength,
        realTime);
  }

  private Harness(
      String namespace,
      RedisEndpoint heraldEndpoint,
      String adminUrl,
      RetentionPolicy retention,
      long streamMaxLength,
      boolean realTime) {
    this.namespace = namespace;
    this.stream = namespace + ":gateway";
    this.keys = new RedisKeys(namespace);
    this.time = realTime ? Clock.systemUTC() : clock;
    this.channels = new Channels(List.of(new Channel("push", stream, streamMaxLength)));
    this.backend =
        RedisTestSupport.newestFormat(
            RedisBackend.connect(heraldEndpoint, namespace, 8, retention, time));
    this.raw = RedisTestSupport.raw(adminUrl);
    this.backendUrl = TestRedis.asHerald(adminUrl);
  }

  /**
   * A harness on the system clock whose Herald side reaches Redis as {@code heraldEndpoint} says
   * (TLS, a user), while its raw client uses {@code adminUrl}.
   */
  public static Harness realTime(RedisEndpoint heraldEndpoint, String adminUrl) {
    return new Harness(
        TestRedis.namespace(),
        heraldEndpoint,
        adminUrl,
        RedisTestSupport.RETENTION,
        1_000_000,
        true);
  }

  /** A harness on the system clock, for tests of threads that sleep and wake. */
  public static Harness realTime(String url) {
    return new Harness(TestRedis.namespace(), url, RedisTestSupport.RETENTION, 1_000_000, true);
  }

  /**
   * A harness whose namespace ends in a Redis Cluster hash tag, {@code <namespace>:{<tag>}}, so
   * that every key (and its stream) hashes to one slot.
   */
  public static Harness hashTagged(String tag) {
    return new Harness(
        TestRedis.namespace() + ":{" + tag + "}",
        TestRedis.url(),
        RedisTestSupport.RETENTION,
        1_000_000,
        false);
  }

  /** A second connection to the same namespace, as another Herald process would have. */
  public RedisBackend anotherProcess() {
    return RedisTestSupport.backend(backendUrl, namespace, time, RedisTestSupport.RETENTION);
  }

  /** A publisher loop on {@code backend} that wakes on its wake-up signals. */
  public PublisherLoop loop(
      RedisBackend on,
      int workers,
      Duration pollInterval,
      PublishSettings settings,
      PublisherListener listener) {
    Waiter waiter = new Waiter(time);
    subscriptions.add(on.wakeups().subscribe(waiter::signal, e -> {}));
    return new PublisherLoop(
        i ->
            new PublishCycle(
                on.routes(),
                new EventEncoder(channels),
                () -> settings,
                time,
                listener,
                "w" + System.identityHashCode(on) + "-" + i),
        workers,
        new Janitor(on.routes(), time),
        waiter,
        time,
        () -> pollInterval,
        listener);
  }

  public Intake intake() {
    return intake(backend);
  }

  public Intake intake(RedisBackend on) {
    return new Intake(
        on.notifications(),
        () -> new NotificationValidator(channels.names(), 65_536),
        new NotificationIds(),
        time,
        () -> Duration.ofHours(24));
  }

  /**
   * Writes {@code herald.yaml} in {@code dir} (created if need be) for commands and processes that
   * share this harness's Redis, namespace and stream (with its bound), with {@code extra} lines of
   * YAML after them.
   */
  public Path writeConfig(Path dir, String... extra) {
    return writeConfig(dir, redisSection(backendUrl), extra);
  }

  /** As {@link #writeConfig(Path, String...)}, with {@code redis} as the redis section's lines. */
  public Path writeConfig(Path dir, List<String> redis, String... extra) {
    Path file = dir.resolve("herald.yaml");
    try {
      Files.createDirectories(dir);
      Files.writeString(file, config(redis, extra));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** The text {@link #writeConfig} writes, naming this Redis by {@code redisUrl}. */
  public String configOn(String redisUrl, String... extra) {
    return config(redisSection(redisUrl), extra);
  }

  private static List<String> redisSection(String url) {
    return List.of("redis:", "  url: " + url);
  }

  private String config(List<String> redis, String... extra) {
    List<String> lines = new ArrayList<>(redis);
    lines.addAll(
        List.of(
            "namespace: " + namespace,
            "gateway:",
            "  stream: " + stream,
            "  max-length: " + channels.all().iterator().next().maxLength()));
    lines.addAll(List.of(extra));
    // The listeners' default ports are fixed (9464-9466): processes sharing a config must not race
    // for them, nor a test for those of a Herald running on this machine. Unless a test names them,
    // the console and the API are off and the ops endpoint takes a free port.
    if (!names(lines, "console")) {
      lines.addAll(List.of("console:", "  listen: 'off'"));
    }
    if (!names(lines, "api")) {
      lines.addAll(List.of("api:", "  listen: 'off'"));
    }
    if (!names(lines, "ops")) {
      lines.addAll(List.of("ops:", "  listen: 127.0.0.1:0"));
    }
    lines.add("");
    return String.join("\n", lines);
  }

  /** Whether the config lines (an element may hold several) have the top-level {@code section}. */
  private static boolean names(List<String> lines, String section) {
    return lines.stream()
        .flatMap(String::lines)
        .anyMatch(l -> l.equals(section + ":") || l.startsWith(section + ": "));
  }

  /** {@code n} recipients: {@code <prefix>0} to {@code <prefix><n-1>}. */
  /**
   * Writes the route hash of notification {@code id} if it has none (stored format 3 writes none
   * until the first change): the fields its record implies, as that first change writes them, so
   * that a test can plant route states or a lease in it.
   */
  public void writeRouteHash(String id) {
    if (raw.exists(keys.routes(id))) {
      return;
    }
    dev.herald.domain.Notification n =
        backend.notifications().find(id).orElseThrow().notification();
    Map<String, String> fields = new java.util.HashMap<>();
    fields.put("open", Integer.toString(n.routeCount()));
    fields.put("type", n.type());
    fields.put("due", Long.toString(n.sendAt().toEpochMilli()));
    fields.put("n", Integer.toString(n.routeCount()));
    if (n.expiresAt() != null) {
      fields.put("exp", Long.toString(n.expiresAt().toEpochMilli()));
    }
    raw.hset(keys.routes(id), fields);
  }

  public static String[] recipients(String prefix, int n) {
    String[] r = new String[n];
    for (int i = 0; i < n; i++) {
      r[i] = prefix + i;
    }
    return r;
  }

  public static NotificationRequest.Builder notification(String... recipients) {
    return NotificationRequest.builder()
        .type("game.turn_ready")
        .producer("game-engine")
        .recipients(recipients)
        .channels("push")
        .payloadJson("{\"turn\":42}");
  }

  /** Submits and returns the ids, failing the test unless every one was accepted. */
  public List<String> submit(NotificationRequest... requests) {
    List<SubmitResult> results = intake().submit(List.of(requests));
    List<String> ids = new ArrayList<>();
    for (SubmitResult r : results) {
      assertThat(r.outcome())
          .as("submit %s: %s", r.index(), r.errors())
          .isEqualTo(SubmitResult.Outcome.ACCEPTED);
      ids.add(r.notificationId());
    }
    return ids;
  }

  /** No jitter, so that retry times are exact: 1s, 2s, 4s, … capped at 1m. */
  public static BackoffPolicy exactBackoff() {
    return new BackoffPolicy(
        Duration.ofSeconds(1), Duration.ofMinutes(1), 2.0, Jitter.NONE, () -> 0);
  }

  public static PublishSettings settings(int batchSize, int maxAttempts) {
    return new PublishSettings(
        batchSize, Duration.ofSeconds(30), new RetryPlanner(exactBackoff()), maxAttempts);
  }

  public PublishCycle cycle(String worker, PublishSettings settings) {
    return cycle(worker, settings, PublisherListener.NONE);
  }

  public PublishCycle cycle(String worker, PublishSettings settings, PublisherListener listener) {
    return new PublishCycle(
        backend.routes(), new EventEncoder(channels), () -> settings, time, listener, worker);
  }

  /**
   * As {@link #cycle(String, PublishSettings, PublisherListener)}, with {@code
   * publisher.inline-publish: false}: its claims lease every due route, each encoded and completed.
   */
  public PublishCycle leasingCycle(
      String worker, PublishSettings settings, PublisherListener listener) {
    return cycle(worker, leasing(settings), listener);
  }

  /** The settings with inline publishing off. */
  public static PublishSettings leasing(PublishSettings s) {
    return new PublishSettings(
        s.batchSize(), s.lease(), s.retries(), s.maxAttempts(), s.batchBytes(), false);
  }

  /** Runs cycles until one claims nothing; returns the routes claimed in all. */
  public int drain(PublishCycle cycle) {
    int total = 0;
    for (int n = cycle.runOnce().claimed(); n > 0; n = cycle.runOnce().claimed()) {
      total += n;
    }
    return total;
  }

  /**
   * Makes every append to this harness's stream fail with an error Herald cannot tell from a
   * route's own, so that each attempt is charged (a stream that refuses appends for a reason of its
   * own, such as another type, costs no attempt). {@code raw.del(stream)} undoes it.
   */
  public void exhaustStream() {
    exhaust(stream);
  }

  /**
   * As {@link #exhaustStream()}, for any stream: its last entry id becomes the largest there is,
   * and every later {@code XADD *} fails with "ERR The stream has exhausted the last possible ID".
   */
  public void exhaust(String streamKey) {
    raw.del(streamKey);
    raw.sendCommand(
        Protocol.Command.XADD,
        streamKey,
        "18446744073709551615-18446744073709551615",
        "exhausted",
        "yes");
  }

  public List<StreamEntry> streamEntries() {
    List<StreamEntry> all = new ArrayList<>();
    String from = "-";
    while (true) {
      List<StreamEntry> page = raw.xrange(stream, from, "+", 10_000);
      if (page.isEmpty()) {
        return all;
      }
      all.addAll(page);
      from = "(" + page.get(page.size() - 1).getID();
    }
  }

  public List<Map<String, String>> streamFields() {
    return streamEntries().stream().map(StreamEntry::getFields).toList();
  }

  @Override
  public void close() {
    // The tests share one Redis: what a test leaves (100,000 dead letters, say) makes every later
    // SCAN of a namespace crawl through it (a property test's clean-up per try took a minute).
    try {
      backend.probe().deleteNamespace();
    } catch (RuntimeException e) {
      // its Redis is gone already (a test stopped it): nothing to leave behind
    }
    for (AutoCloseable s : subscriptions) {
      try {
        s.close();
      } catch (Exception e) {
        // closing anyway
      }
    }
    backend.close();
    raw.close();
  }
}
