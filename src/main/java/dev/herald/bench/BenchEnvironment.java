package dev.herald.bench;

import dev.herald.domain.Channel;
import dev.herald.domain.Channels;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationValidator;
import dev.herald.intake.Intake;
import dev.herald.publish.EventEncoder;
import dev.herald.publish.PublishSettings;
import dev.herald.publish.PublisherListener;
import dev.herald.publish.PublisherLoop;
import dev.herald.publish.PublisherSetup;
import dev.herald.publish.Waiter;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
  private final Clock clock;

  /**
   * @param stream the benchmark's stream: inside the namespace, so that clean-up takes it too
   * @param streamMaxLength its MAXLEN ~
   */
  public BenchEnvironment(
      BenchStores stores,
      String stream,
      long streamMaxLength,
      Supplier<PublishSettings> settings,
      int workers,
      Duration pollInterval,
      Clock clock) {
    this.stores = stores;
    this.channel = new Channel("push", stream, streamMaxLength);
    this.settings = settings;
    this.workers = workers;
    this.pollInterval = pollInterval;
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
        stores.notifications(),
        () -> new NotificationValidator(java.util.Set.of(channel.name()), 65_536),
        new NotificationIds(),
        clock,
        () -> Duration.ZERO);
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
    stores.probe().deleteNamespace(List.of());
  }

  /** CPU seconds this JVM (the publisher and the benchmark) has used. */
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
