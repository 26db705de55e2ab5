package dev.herald.bench;

import dev.herald.store.ServerProbe;
import java.time.Duration;

/**
 * {@code idle}: what {@code herald run} does with nothing due and no intents: the publisher (its
 * workers, wake-up subscription and housekeeping) and the intake, blocked on the intents stream.
 * Reports the CPU this process uses and the Redis commands per second it causes (counted from
 * {@code INFO commandstats}, scripts' inner calls included, the probe's own INFO calls excluded).
 */
public final class IdleBench {

  private static final Duration SETTLE = Duration.ofSeconds(10);

  private final BenchEnvironment env;
  private final Duration duration;

  public IdleBench(BenchEnvironment env, Duration duration) {
    this.env = env;
    this.duration = duration;
  }

  public BenchResult run(String command) throws Exception {
    ServerProbe probe = env.stores().probe();
    BenchResult result =
        env.result("idle", command)
            .context("duration_s", duration.toSeconds())
            .context("workers", env.workers());
    try (var publisher = env.startPublisher();
        var intake = env.startIntake()) {
      // Let start-up settle: a daemon idle for hours has long stopped compiling, but the JIT is
      // still at work ten seconds after start (measured per thread on `herald run`: the C1
      // compiler took a third of the idle process's CPU between 15 s and 45 s).
      Thread.sleep(SETTLE.toMillis());
      double cpu0 = BenchEnvironment.heraldCpuSeconds();
      long commands0 = probe.commandsProcessed();
      long start = System.nanoTime();
      Thread.sleep(duration.toMillis());
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpu = BenchEnvironment.heraldCpuSeconds() - cpu0;
      long commands = probe.commandsProcessed() - commands0;
      result.add(new Figure("herald_cpu_percent_of_a_core", 100 * cpu / seconds, "%"));
      result.add(new Figure("redis_commands_per_s", commands / seconds, "commands/s"));
    }
    return result;
  }
}
