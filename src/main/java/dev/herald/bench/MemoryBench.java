package dev.herald.bench;

import dev.herald.intake.Intake;
import dev.herald.store.ServerProbe;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code memory}: Redis bytes per pending route ({@code used_memory} before and after loading N
 * routes of 10-recipient notifications with ~300-byte payloads), then the publisher's heap after a
 * full GC while it publishes them.
 */
public final class MemoryBench {

  private static final int BATCH = 500;

  private final BenchEnvironment env;
  private final int routes;

  public MemoryBench(BenchEnvironment env, int routes) {
    this.env = env;
    this.routes = routes;
  }

  public BenchResult run(String command) throws Exception {
    ServerProbe probe = env.stores().probe();
    BenchResult result = env.result("memory", command).context("routes", routes);
    Intake intake = env.intake();
    long before = probe.usedMemory();
    // Due once loading is surely over (a conservative 20,000 routes/s), then published.
    Instant due = env.clock().instant().plusMillis(2_000 + routes / 20L);
    var all = Workload.notifications("m", routes, due);
    for (int i = 0; i < all.size(); i += BATCH) {
      intake.submit(all.subList(i, Math.min(all.size(), i + BATCH)));
    }
    long loaded = all.size() * (long) Workload.RECIPIENTS;
    long after = probe.usedMemory();
    all = null;
    result.add(
        new Figure("redis_bytes_per_pending_route", (after - before) / (double) loaded, "bytes"));
    result.add(new Figure("redis_used_memory_mb", after / 1048576.0, "MiB"));
    try (var publisher = env.startPublisher()) {
      env.sleepUntil(due);
      env.awaitStream(Math.min(loaded / 2, 50_000), Duration.ofMinutes(10));
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      result.add(new Figure("herald_heap_after_gc_while_publishing_mb", heap / 1048576.0, "MiB"));
    }
    env.clean();
    return result;
  }
}
