package dev.herald.demo;

import dev.herald.config.ConfigLoader;
import dev.herald.config.Durations;
import dev.herald.config.HeraldConfig;
import dev.herald.daemon.Daemon;
import dev.herald.logging.Logging;
import dev.herald.ops.Ops;
import dev.herald.store.redis.EmbeddedRedis;
import dev.herald.store.redis.StreamFaults;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * {@code herald demo}: a private embedded Redis, the daemon in this process on a config of the
 * demo's own (three channels, two of whose streams refuse appends), the sample notifications, a
 * live summary each second, then the dead letter and how to requeue it.
 */
public final class Demo {

  /** The shortest run that shows every outcome. */
  public static final Duration SHORTEST = Duration.ofSeconds(5);

  private static final String PUSH_STREAM = "gateway:client-events";
  private static final String EMAIL_STREAM = "demo:email-events";
  private static final String SMS_STREAM = "demo:sms-events";

  private final Duration total;
  private final PrintWriter out;
  private final CountDownLatch interrupted = new CountDownLatch(1);

  /**
   * @param total how long it runs, at least {@link #SHORTEST}
   */
  public Demo(Duration total, PrintWriter out) {
    if (total.compareTo(SHORTEST) < 0) {
      throw new IllegalArgumentException("a demo runs at least " + Durations.format(SHORTEST));
    }
    this.total = total;
    this.out = out;
  }

  /** Ends the live summary early (Ctrl-C); the demo then stops as usual. */
  public void interrupt() {
    interrupted.countDown();
  }

  /**
   * Runs it.
   *
   * @param routesShow what {@code herald routes show --config FILE ID} prints, given FILE and ID
   */
  public void run(BiFunction<Path, String, String> routesShow) throws Exception {
    Path dir = Files.createTempDirectory("herald-demo-");
    EmbeddedRedis redis = EmbeddedRedis.startPrivate();
    StreamFaults faults = new StreamFaults(redis.url());
    String levelBefore = null;
    try {
      faults.block(EMAIL_STREAM);
      faults.breakAppends(SMS_STREAM);
      Path configFile = dir.resolve("herald.yaml");
      Files.writeString(configFile, config(redis.url()));
      HeraldConfig config = new ConfigLoader(Map.of()).load(configFile);
      levelBefore = Logging.setLevel(config.logging().level());
      DemoProgress progress = new DemoProgress();
      Daemon daemon = new Daemon(config, progress);
      Thread publisher = new Thread(() -> runQuietly(daemon), "herald-demo-daemon");
      publisher.start();
      try {
        awaitPublishing(daemon, publisher);
        Duration unblockAt = Duration.ofSeconds(Math.max(2, total.toSeconds() * 2 / 5));
        printHeader(redis, daemon, unblockAt);
        Ops ops = daemon.ops().orElseThrow();
        int routes = DemoSamples.submit(out, config, ops.intakeListener(), total);
        live(progress, routes, unblockAt, faults);
      } finally {
        daemon.requestStop();
        publisher.join(TimeUnit.SECONDS.toMillis(30));
      }
      progress.printDeadLetters(out, id -> routesShow.apply(configFile, id));
      out.flush();
    } finally {
      if (levelBefore != null) {
        Logging.setLevel(levelBefore);
      }
      redis.close();
      deleteQuietly(dir);
    }
  }

  private static String config(String redisUrl) {
    return String.join(
        "\n",
        "redis:",
        "  url: " + redisUrl,
        "channels:",
        "  push:",
        "    stream: " + PUSH_STREAM,
        "    max-length: 10000",
        "  email:",
        "    stream: " + EMAIL_STREAM,
        "    max-length: 10000",
        "  sms:",
        "    stream: " + SMS_STREAM,
        "    max-length: 10000",
        "publisher:",
        "  workers: 2",
        "  poll-interval: 200ms",
        "  lease: 5s",
        "  shutdown-grace: 2s",
        "backoff:",
        "  initial: 500ms",
        "  max: 4s",
        "  jitter: none",
        "delivery:",
        "  max-attempts: 10",
        "ops:",
        "  listen: 127.0.0.1:0",
        "api:",
        "  listen: 'off'", // the demo submits through Java; a running herald run has the port
        "console:",
        "  listen: 'off'", // and the console's: the demo's own output shows what it does
        "logging:",
        "  level: error",
        "");
  }

  private void printHeader(EmbeddedRedis redis, Daemon daemon, Duration unblockAt) {
    out.printf(
        "Herald demo: an embedded Redis at %s and the publisher, in this process, for %s.%n",
        redis.url(), Durations.format(total));
    daemon
        .ops()
        .flatMap(Ops::address)
        .ifPresent(
            a ->
                out.printf(
                    "  metrics   http://127.0.0.1:%d/metrics  (and /healthz, /readyz)%n",
                    a.getPort()));
    out.printf("  channels  push  -> %s%n", PUSH_STREAM);
    out.printf(
        "            email -> %s (holds a string until %s: refuses appends, no attempt is"
            + " charged)%n",
        EMAIL_STREAM, Durations.format(unblockAt));
    out.printf(
        "            sms   -> %s (fails every append with an error Herald cannot explain:"
            + " charged)%n",
        SMS_STREAM);
    out.println();
    out.flush();
  }

  private void live(DemoProgress progress, int routes, Duration unblockAt, StreamFaults faults)
      throws InterruptedException {
    long start = System.nanoTime();
    boolean unblocked = false;
    for (int second = 1; second <= total.toSeconds(); second++) {
      long wait = start + TimeUnit.SECONDS.toNanos(second) - System.nanoTime();
      if (interrupted.await(Math.max(0, wait), TimeUnit.NANOSECONDS)) {
        out.println("interrupted");
        return;
      }
      if (!unblocked && Duration.ofSeconds(second).compareTo(unblockAt) >= 0) {
        faults.unblock(EMAIL_STREAM);
        unblocked = true;
        out.printf(
            "%6ds  %s takes appends again: the email route goes out within a second or two%n",
            second, EMAIL_STREAM);
      }
      int published = progress.published();
      int retrying = progress.retrying();
      int dead = progress.deadLetters().size();
      out.printf(
          "%6ds  %9d  %9d  %8d  %4d  %7d%n",
          second, routes, published, retrying, dead, routes - published - retrying - dead);
      out.flush();
    }
  }

  /**
   * Waits until the publisher runs; fails at once when the daemon stopped first (a port it could
   * not bind: logged above), rather than after the whole wait.
   */
  private static void awaitPublishing(Daemon daemon, Thread publisher) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!daemon.awaitPublishing(Duration.ofMillis(100))) {
      if (!publisher.isAlive()) {
        throw new IllegalStateException("the publisher stopped before it started (logged above)");
      }
      if (System.nanoTime() > end) {
        throw new IllegalStateException("the publisher did not start within 30s");
      }
    }
  }

  private static void runQuietly(Daemon daemon) {
    try {
      daemon.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory: the system cleans it up eventually
    }
  }
}
