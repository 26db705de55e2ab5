package dev.herald.cli;

import dev.herald.config.ConfigLoader;
import dev.herald.config.Durations;
import dev.herald.config.HeraldConfig;
import dev.herald.domain.Channel;
import dev.herald.domain.Channels;
import dev.herald.domain.Failure;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationRequest;
import dev.herald.domain.NotificationValidator;
import dev.herald.intake.Intake;
import dev.herald.intake.SubmitResult;
import dev.herald.ops.Logging;
import dev.herald.ops.Ops;
import dev.herald.store.redis.EmbeddedRedis;
import dev.herald.store.redis.RedisBackend;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    description = {
      "A first look: an embedded Redis and the publisher in this process, some sample",
      "notifications (one whose stream refuses appends for a while, one that ends as a",
      "dead letter), and a live summary; then how to inspect and requeue the dead letter.",
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
    EmbeddedRedis redis = EmbeddedRedis.start(dir.resolve("data"), freePort());
    String levelBefore = null;
    try {
      redis.blockStream(EMAIL_STREAM);
      redis.blockStream(SMS_STREAM);
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
        int routes = submitSamples(out, config, channels, daemon, total);
        live(out, progress, routes, total, unblockAt, redis, interrupted);
      } finally {
        daemon.requestStop();
        publisher.join(TimeUnit.SECONDS.toMillis(30));
      }
      printDeadLetters(out, progress, configFile);
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
        "            email -> %s (refuses appends until %s)%n",
        EMAIL_STREAM, Durations.format(unblockAt));
    out.printf("            sms   -> %s (refuses appends throughout)%n", SMS_STREAM);
    out.println();
    out.flush();
  }

  /** Submits the samples as a producer would; returns the routes scheduled. */
  private int submitSamples(
      PrintWriter out, HeraldConfig config, Channels channels, Daemon daemon, Duration total) {
    Instant later = clock.instant().plus(total.dividedBy(4));
    List<NotificationRequest> samples =
        List.of(
            sample("game.turn_ready", "game-engine", "push", "u-1", "u-2", "u-3")
                .idempotencyKey("turn-42")
                .build(),
            sample("game.turn_ready", "game-engine", "push", "u-4", "u-5", "u-6").build(),
            sample("chat.message", "chat", "push", "u-7").channels("push", "email").build(),
            sample("billing.receipt", "billing", "sms", "u-9").maxAttempts(3).build(),
            sample("game.reminder", "game-engine", "push", "u-1").sendAt(later).build(),
            sample("game.turn_ready", "game-engine", "push", "u-1", "u-2", "u-3")
                .idempotencyKey("turn-42")
                .build());
    List<String> notes =
        List.of(
            "",
            "",
            "email fails until its stream takes appends",
            "max_attempts 3: becomes a dead letter",
            "send_at +" + Durations.format(total.dividedBy(4)),
            "same idempotency key as the first: nothing scheduled");
    List<SubmitResult> results;
    try (RedisBackend backend = Backends.connect(config, RedisTarget.of(config), 2, clock)) {
      Intake intake =
          new Intake(
              backend.notifications(),
              () -> new NotificationValidator(channels.names(), 65_536),
              new NotificationIds(),
              clock,
              () -> Duration.ofHours(1),
              daemon.ops().map(Ops::intakeListener).orElseThrow());
      results = intake.submit(samples);
    }
    int routes = 0;
    out.println("Submitted:");
    for (int i = 0; i < samples.size(); i++) {
      NotificationRequest n = samples.get(i);
      SubmitResult r = results.get(i);
      if (r.outcome() == SubmitResult.Outcome.ACCEPTED) {
        routes += n.recipients().size() * n.channels().size();
      }
      out.printf(
          "  %-9s %s  %-16s %-11s %-12s %s%n",
          r.outcome().name().toLowerCase(),
          r.notificationId(),
          n.type(),
          String.join(",", n.channels()),
          String.join(",", n.recipients()),
          notes.get(i));
    }
    out.println();
    out.printf(
        "%7s  %9s  %9s  %8s  %4s  %7s%n",
        "time", "submitted", "published", "retrying", "dead", "waiting");
    out.flush();
    return routes;
  }

  private static NotificationRequest.Builder sample(
      String type, String producer, String channel, String... recipients) {
    return NotificationRequest.builder()
        .type(type)
        .producer(producer)
        .recipients(recipients)
        .channels(channel)
        .payloadJson("{\"demo\":true}");
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
            "%6ds  %s takes appends again: the email route goes out at its next retry%n",
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

  private static void printDeadLetters(PrintWriter out, DemoProgress progress, Path configFile) {
    Map<String, Failure> dead = progress.deadLetters();
    out.println();
    if (dead.isEmpty()) {
      out.println("No dead letter this time.");
      return;
    }
    for (Map.Entry<String, Failure> e : dead.entrySet()) {
      String ref = e.getKey();
      String id = ref.substring(0, ref.indexOf('/'));
      Failure f = e.getValue();
      out.printf(
          "Dead letter %s after %d attempts (%s: %s)%n",
          ref, f.attempt(), f.kind().wireName(), f.message());
      out.println();
      out.println("Inspect it (here against the demo's Redis, while it still runs):");
      out.println("  $ herald routes show " + id);
      StringWriter shown = new StringWriter();
      PrintWriter shownOut = new PrintWriter(shown);
      new CommandLine(new HeraldCommand())
          .setOut(shownOut)
          .setErr(shownOut)
          .setExecutionExceptionHandler(new ErrorHandler())
          .execute("routes", "show", "--config", configFile.toString(), id);
      shownOut.flush();
      shown.toString().lines().forEach(line -> out.println("    " + line));
      out.println();
      out.println("Once its stream takes appends again, requeue it (herald dead-letters):");
      out.println("  $ herald dead-letters show " + ref);
      out.println("  $ herald dead-letters requeue --dry-run " + ref);
      out.println("  $ herald dead-letters requeue " + ref);
      out.println("or every dead letter that failed the same way:");
      out.println(
          "  $ herald dead-letters requeue --classification " + f.kind().wireName() + " --dry-run");
      out.println();
    }
    out.println("The demo's Redis stops with the demo; against your own Herald add --config FILE.");
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

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
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
