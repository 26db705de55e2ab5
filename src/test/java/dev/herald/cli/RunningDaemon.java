package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import dev.herald.daemon.Assembly;
import dev.herald.daemon.Daemon;
import dev.herald.intake.Intake;
import dev.herald.ops.Ops;
import dev.herald.publish.PublisherListener;
import dev.herald.store.NotificationStore;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Daemon} (what {@code herald run} runs) on a thread of this test JVM; exit code 0 or 1.
 */
final class RunningDaemon implements AutoCloseable {

  final Daemon daemon;
  private final HeraldConfig config;
  private final Thread thread;
  private final AtomicInteger exitCode = new AtomicInteger(-1);

  private RunningDaemon(Daemon daemon, HeraldConfig config) {
    this.daemon = daemon;
    this.config = config;
    this.thread =
        new Thread(
            () -> {
              try {
                exitCode.set(daemon.run() ? 0 : 1);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            "test-daemon");
  }

  /** Loads {@code yaml} as the config file would be loaded and starts publishing. */
  static RunningDaemon start(Path dir, String yaml) throws Exception {
    return start(dir, yaml, Clock.systemUTC());
  }

  /** As {@link #start(Path, String)}, on a host whose own clock is {@code hostClock}. */
  static RunningDaemon start(Path dir, String yaml, Clock hostClock) throws Exception {
    return start(dir, yaml, hostClock, PublisherListener.NONE);
  }

  /** As {@link #start(Path, String)}, {@code listener} told of the publisher's events too. */
  static RunningDaemon start(Path dir, String yaml, PublisherListener listener) throws Exception {
    return start(dir, yaml, Clock.systemUTC(), listener);
  }

  private static RunningDaemon start(
      Path dir, String yaml, Clock hostClock, PublisherListener listener) throws Exception {
    Path file = dir.resolve("herald.yaml");
    Files.writeString(file, withListenersOff(yaml));
    HeraldConfig config = new ConfigLoader(Map.of()).load(file);
    RunningDaemon d = new RunningDaemon(new Daemon(config, listener, hostClock), config);
    d.thread.start();
    assertThat(d.daemon.awaitPublishing(Duration.ofSeconds(20))).as("publishing").isTrue();
    return d;
  }

  /**
   * The API and the console off unless the test's config names them: their default ports are fixed
   * (9465, 9466), and another Herald on this machine may hold them.
   */
  private static String withListenersOff(String yaml) {
    StringBuilder out = new StringBuilder(yaml.endsWith("\n") ? yaml : yaml + "\n");
    for (String section : java.util.List.of("api", "console")) {
      if (!yaml.startsWith(section + ":") && !yaml.contains("\n" + section + ":")) {
        out.append(section).append(":\n  listen: 'off'\n");
      }
    }
    return out.toString();
  }

  /** An intake as the daemon's HTTP API has: built from its config, telling its metrics. */
  Intake intake(NotificationStore store) {
    return Assembly.of(config, Clock.systemUTC()).intake(store, ops().intakeListener());
  }

  Ops ops() {
    return daemon.ops().orElseThrow();
  }

  /** {@code http://127.0.0.1:<port>} of its ops endpoint. */
  String baseUrl() {
    InetSocketAddress a = ops().address().orElseThrow();
    return "http://127.0.0.1:" + a.getPort();
  }

  /** {@code http://127.0.0.1:<port>} of its web console. */
  String consoleUrl() {
    return "http://127.0.0.1:" + daemon.consoleAddress().orElseThrow().getPort();
  }

  /** Stops it as SIGTERM would and returns its exit code. */
  int stop() throws InterruptedException {
    daemon.requestStop();
    thread.join(Duration.ofSeconds(20).toMillis());
    assertThat(thread.isAlive()).as("daemon stopped").isFalse();
    return exitCode.get();
  }

  @Override
  public void close() throws InterruptedException {
    if (thread.isAlive()) {
      stop();
    }
  }
}
