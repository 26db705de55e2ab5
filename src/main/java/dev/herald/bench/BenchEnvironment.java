package dev.herald.bench;

import dev.herald.config.PostgresSourceSettings;
import dev.herald.daemon.Assembly;
import dev.herald.daemon.Publisher;
import dev.herald.daemon.RedisTarget;
import dev.herald.domain.NotificationValidator;
import dev.herald.intake.Intake;
import dev.herald.intake.IntakeCycle;
import dev.herald.intake.IntakeListener;
import dev.herald.intake.IntakeLoop;
import dev.herald.logging.RateLimitedLog;
import dev.herald.outbox.OutboxListener;
import dev.herald.outbox.OutboxRelay;
import dev.herald.publish.PublisherListener;
import dev.herald.store.ServerProbe;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What every scenario works with: the stores, a stream of its own inside the namespace (never the
 * real gateway stream), and Herald's parts built by the daemon's {@link Assembly}: intakes, the
 * intents consumer, the publisher, the outbox relay.
 */
public final class BenchEnvironment {

  private static final RateLimitedLog TROUBLE =
      new RateLimitedLog(LoggerFactory.getLogger(BenchEnvironment.class), Duration.ofSeconds(10));

  private final BenchStores stores;
  private final Assembly parts;
  private final String tag = "bench-" + ProcessHandle.current().pid();

  /**
   * @param parts the benchmark's config (its worker count and batch size), on the benchmark's
   *     stream as the only channel, {@code push}
   */
  BenchEnvironment(BenchStores stores, Assembly parts) {
    this.stores = stores;
    this.parts = parts;
  }

  BenchStores stores() {
    return stores;
  }

  /** The benchmark's stream: inside the namespace, so that clean-up takes it too. */
  String stream() {
    return parts.channels().all().iterator().next().stream();
  }

  Clock clock() {
    return parts.clock();
  }

  int workers() {
    return parts.config().publisher().workers();
  }

  int batchSize() {
    return parts.publishSettings().batchSize();
  }

  /** An intake as the daemon's (benchmark notifications carry no idempotency keys). */
  Intake intake() {
    return parts.intake(stores.backend().notifications(), IntakeListener.NONE);
  }

  /** One consumer of the benchmark's intents stream, as {@code herald run} has. */
  IntakeCycle intakeCycle() {
    return parts.intakeCycle(stores.intents(), IntakeListener.NONE, tag);
  }

  /**
   * A running intake on the benchmark's intents stream, blocking as long as {@code herald run}'s;
   * close it to stop it.
   */
  AutoCloseable startIntake() {
    stores.intents().createGroup();
    IntakeLoop loop = parts.intakeLoop(stores.intents(), IntakeListener.NONE, tag);
    loop.start();
    return () -> loop.stop(Duration.ofSeconds(5));
  }

  int intakeBatchSize() {
    return parts.config().intake().batchSize();
  }

  NotificationValidator validator() {
    return parts.validator();
  }

  /** The outbox relay of {@code settings}, with its intake, as {@code herald run} starts it. */
  OutboxRelay startRelay(PostgresSourceSettings settings, OutboxListener listener) {
    return parts.outboxRelay(
        settings, stores.backend().notifications(), IntakeListener.NONE, listener, tag);
  }

  /** A running publisher; close it to stop it. */
  RunningPublisher startPublisher() {
    Publisher publisher = parts.publisher(stores.backend(), PublisherListener.NONE, tag, TROUBLE);
    publisher.start();
    return new RunningPublisher(publisher);
  }

  /** Deletes every key of the namespace, the benchmark's stream included. */
  void clean() {
    stores.probe().deleteNamespace();
  }

  /** A result for {@code scenario}, headed by the Redis it ran on and the command to repeat it. */
  BenchResult result(String scenario, String command) {
    ServerProbe probe = stores.probe();
    return new BenchResult(scenario)
        .context("redis", probe.version() + ", " + probe.persistence())
        .command(command);
  }

  /** True when the keys are split into shards (on one Redis or on a cluster). */
  boolean sharded() {
    return parts.config().sharded();
  }

  /** The benchmark's stream as Redis has it: itself, or with shards one per shard, in order. */
  List<String> streams() {
    return RedisTarget.streams(parts.config(), stream());
  }

  /** Entries in the benchmark's stream, summed over the shards' streams. */
  long streamEntries() {
    if (!sharded()) {
      return stores.probe().streamLength(stream());
    }
    return stores.masters().streamLengths(streams()).stream().mapToLong(Long::longValue).sum();
  }

  /** Waits until the benchmark's stream holds {@code entries}; false if {@code timeout} passed. */
  boolean awaitStream(long entries, Duration timeout) throws InterruptedException {
    // With shards each look asks every shard's stream, a round trip per master: looking every few
    // ms would add its own Redis CPU to the drain's. The rate is from the entries' ids, not from
    // when a look saw them, so looking less often only adds idle time to the CPU measured.
    long pauseMs = sharded() ? 20 : 2;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (streamEntries() < entries) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(pauseMs);
    }
    return true;
  }

  /** Sleeps until {@code instant} on the benchmark's clock. */
  void sleepUntil(Instant instant) throws InterruptedException {
    long ms = Duration.between(clock().instant(), instant).toMillis();
    if (ms > 0) {
      Thread.sleep(ms);
    }
  }

  /** CPU seconds this JVM (the publisher and the benchmark) has used. */
  static double heraldCpuSeconds() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime() / 1e9;
    }
    return Double.NaN;
  }

  /** A started publisher, stopped (the batches in hand finished) on close. */
  record RunningPublisher(Publisher publisher) implements AutoCloseable {
    @Override
    public void close() {
      publisher.stop(Duration.ofSeconds(10));
      publisher.close();
    }
  }
}
