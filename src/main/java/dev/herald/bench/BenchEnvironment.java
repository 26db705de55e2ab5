package dev.herald.bench;

import dev.herald.domain.Channel;
import dev.herald.domain.Channels;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationValidator;
import dev.herald.intake.Intake;
import dev.herald.intake.IntakeCycle;
import dev.herald.intake.IntakeListener;
import dev.herald.intake.IntakeLoop;
import dev.herald.publish.EventEncoder;
import dev.herald.publish.PublishSettings;
import dev.herald.publish.PublisherListener;
import dev.herald.publish.PublisherLoop;
import dev.herald.publish.PublisherSetup;
import dev.herald.publish.Waiter;
import dev.herald.store.ServerProbe;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What every scenario works with: the stores, a stream of its own inside the namespace (never the
 * real gateway stream), an intake, and a publisher built as the daemon builds it.
 */
public final class BenchEnvironment {

  private final BenchStores stores;
  private final Channel channel;
  private final Supplier<PublishSettings> settings;
  private final int workers;
  private final Duration pollInterval;
  private final int intakeBatchSize;
  private final Clock clock;

  /**
   * @param stream the benchmark's stream: inside the namespace, so that clean-up takes it too
   * @param streamMaxLength its MAXLEN ~
   * @param intakeBatchSize intents read and accepted per round (intake.batch-size)
   */
  public BenchEnvironment(
      BenchStores stores,
      String stream,
      long streamMaxLength,
      Supplier<PublishSettings> settings,
      int workers,
      Duration pollInterval,
      int intakeBatchSize,
      Clock clock) {
    this.stores = stores;
    this.channel = new Channel("push", stream, streamMaxLength);
    this.settings = settings;
    this.workers = workers;
    this.pollInterval = pollInterval;
    this.intakeBatchSize = intakeBatchSize;
    this.clock = clock;
  }

  BenchStores stores() {
    return stores;
  }

  String stream() {
    return channel.stream();
  }

  Clock clock() {
    return clock;
  }

  int workers() {
    return workers;
  }

  int batchSize() {
    return settings.get().batchSize();
  }

  /** An intake without idempotency (benchmark notifications carry no keys). */
  Intake intake() {
    return new Intake(
        stores.notifications(), this::validator, new NotificationIds(), clock, () -> Duration.ZERO);
  }

  /** An intake that keeps idempotency keys for {@code window}, as the outbox relay's does. */
  Intake intake(Duration window, dev.herald.intake.IntakeListener listener) {
    return new Intake(
        stores.notifications(),
        this::validator,
        new NotificationIds(),
        clock,
        () -> window,
        listener);
  }

  /** One consumer of the benchmark's intents stream, as {@code herald run} has. */
  IntakeCycle intakeCycle() {
    return new IntakeCycle(
        stores.intents(),
        () ->
            new IntakeCycle.Settings(
                intakeBatchSize, Duration.ofSeconds(30), Duration.ZERO, validator()),
        new NotificationIds(),
        clock,
        IntakeListener.NONE,
        "bench-" + ProcessHandle.current().pid());
  }

  /**
   * A running intake on the benchmark's intents stream, blocking as long as {@code herald run}'s;
   * close it to stop it.
   */
  AutoCloseable startIntake() {
    stores.intents().createGroup();
    IntakeLoop loop = new IntakeLoop(stores.intents(), intakeCycle(), Duration.ofSeconds(1));
    loop.start();
    return () -> loop.stop(Duration.ofSeconds(5));
  }

  int intakeBatchSize() {
    return intakeBatchSize;
  }

  NotificationValidator validator() {
    return new NotificationValidator(Set.of(channel.name()), 65_536);
  }

  /** A running publisher; close it to stop it. */
  RunningPublisher startPublisher() {
    Waiter waiter = new Waiter(clock);
    AutoCloseable subscription = stores.wakeups().subscribe(waiter::signal, e -> {});
    PublisherLoop loop =
        new PublisherSetup(
                stores.routes(),
                new EventEncoder(new Channels(List.of(channel))),
                settings,
                () -> pollInterval,
                clock,
                PublisherListener.NONE)
            .loop(workers, waiter, "bench-" + ProcessHandle.current().pid());
    loop.start();
    return new RunningPublisher(loop, subscription);
  }

  /** Deletes every key of the namespace, the benchmark's stream included. */
  void clean() {
    stores.probe().deleteNamespace();
  }

  /** CPU seconds this JVM (the publisher and the benchmark) has used. */
  /** A result for {@code scenario}, headed by the Redis it ran on and the command to repeat it. */
  BenchResult result(String scenario, String command) {
    ServerProbe probe = stores.probe();
    return new BenchResult(scenario)
        .context("redis", probe.version() + ", " + probe.persistence())
        .command(command);
  }

  /** Waits until the benchmark's stream holds {@code entries}; false if {@code timeout} passed. */
  boolean awaitStream(long entries, Duration timeout) throws InterruptedException {
    ServerProbe probe = stores.probe();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (probe.streamLength(stream()) < entries) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(2);
    }
    return true;
  }

  /** Sleeps until {@code instant} on the benchmark's clock. */
  void sleepUntil(Instant instant) throws InterruptedException {
    long ms = Duration.between(clock.instant(), instant).toMillis();
    if (ms > 0) {
      Thread.sleep(ms);
    }
  }

  static double heraldCpuSeconds() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime() / 1e9;
    }
    return Double.NaN;
  }

  /** A started publisher and its wake-up subscription. */
  record RunningPublisher(PublisherLoop loop, AutoCloseable subscription) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      loop.stop(Duration.ofSeconds(10));
      subscription.close();
    }
  }
}
