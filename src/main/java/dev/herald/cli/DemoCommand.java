package dev.herald.cli;

import dev.herald.config.ConfigLoader;
import dev.herald.config.Durations;
import dev.herald.config.HeraldConfig;
import dev.herald.domain.Channel;
import dev.herald.domain.Channels;
import dev.herald.ops.Logging;
import dev.herald.ops.Ops;
import dev.herald.store.redis.EmbeddedRedis;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    description = {
      "Try Herald for 20 seconds on its own Redis, with sample notifications.",
      "Runs an embedded Redis and the publisher in this process, submits samples (one whose",
      "stream refuses appends for a while, one that ends as a dead letter), prints a live",
      "summary, then shows how to inspect and requeue the dead letter.",
    },
    footer = {
      "",
      "It uses its own Redis on a free port with its data in a temporary directory, deleted",
      "at the end, so it never touches a running `herald run`. Ctrl-C ends it early.",
      "",
      "Examples:",
      "  herald demo",
      "  herald demo --duration 40s",
    })
final class DemoCommand implements Callable<Integer> {

  private static final String PUSH_STREAM = "gateway:client-events";
  private static final String EMAIL_STREAM = "demo:email-events";
  private static final String SMS_STREAM = "demo:sms-events";

  @Option(
      names = "--duration",
      defaultValue = "20s",
      paramLabel = "DURATION",
      description = "how long to run (default: ${DEFAULT-VALUE}; at least 5s)")
  String duration;

  @Spec CommandSpec spec;

  private final Clock clock = Clock.systemUTC();

  @Override
  public Integer call() throws Exception {
    Duration total =
        Durations.parse(duration)
            .filter(d -> d.compareTo(Duration.ofSeconds(5)) >= 0)
            .orElseThrow(
                () ->
                    new ParameterException(
                        spec.commandLine(),
                        "--duration must be a duration of at least 5s, e.g. 20s (was '"
                            + duration
                            + "')"));
    PrintWriter out = spec.commandLine().getOut();
    Path dir = Files.createTempDirectory("herald-demo-");
    EmbeddedRedis redis = EmbeddedRedis.startPrivate();
    String levelBefore = null;
    try {
      redis.blockStream(EMAIL_STREAM);
      redis.breakStream(SMS_STREAM);
      Path configFile = dir.resolve("herald.yaml");
      Files.writeString(configFile, config(redis.url()));
      HeraldConfig config = new ConfigLoader(Map.of()).load(configFile);
      levelBefore = Logging.setLevel(config.logging().level());
      Channels channels =
          new Channels(
              List.of(
                  new Channel("push", PUSH_STREAM, 10_000),
                  new Channel("email", EMAIL_STREAM, 10_000),
                  new Channel("sms", SMS_STREAM, 10_000)));
      DemoProgress progress = new DemoProgress();
      Daemon daemon = new Daemon(config, channels, progress);
      CountDownLatch interrupted = new CountDownLatch(1);
      Signals.onStop(interrupted::countDown);
      Thread publisher = new Thread(() -> runQuietly(daemon), "herald-demo-daemon");
      publisher.start();
      try {
        if (!daemon.awaitPublishing(Duration.ofSeconds(30))) {
          throw new IllegalStateException("the publisher did not start within 30s");
        }
        Duration unblockAt = Duration.ofSeconds(Math.max(2, total.toSeconds() * 2 / 5));
        printHeader(out, redis, daemon, total, unblockAt);
        int routes =
            DemoSamples.submit(
                out,
                config,
                channels,
                daemon.ops().map(Ops::intakeListener).orElseThrow(),
                total,
                clock);
        live(out, progress, routes, total, unblockAt, redis, interrupted);
      } finally {
        daemon.requestStop();
        publisher.join(TimeUnit.SECONDS.toMillis(30));
      }
      progress.printDeadLetters(out, configFile);
      out.flush();
      return ExitCodes.OK;
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
        "logging:",
        "  level: error",
        "");
  }

  private void printHeader(
      PrintWriter out, EmbeddedRedis redis, Daemon daemon, Duration total, Duration unblockAt) {
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

  private void live(
      PrintWriter out,
      DemoProgress progress,
      int routes,
      Duration total,
      Duration unblockAt,
      EmbeddedRedis redis,
      CountDownLatch interrupted)
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
        redis.unblockStream(EMAIL_STREAM);
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
