package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import dev.herald.domain.Channels;
import dev.herald.ops.Ops;
import dev.herald.publish.PublisherListener;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link Daemon} (what {@code herald run} runs) on a thread of this test JVM. */
final class RunningDaemon implements AutoCloseable {

  final Daemon daemon;
  private final Thread thread;
  private final AtomicInteger exitCode = new AtomicInteger(-1);

  private RunningDaemon(Daemon daemon) {
    this.daemon = daemon;
    this.thread =
        new Thread(
            () -> {
              try {
                exitCode.set(daemon.run());
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            "test-daemon");
  }

  /** Loads {@code yaml} as the config file would be loaded and starts publishing. */
  static RunningDaemon start(Path dir, String yaml, Channels channels) throws Exception {
    return start(dir, yaml, channels, Clock.systemUTC());
  }

  /** As {@link #start(Path, String, Channels)}, on a host whose own clock is {@code hostClock}. */
  static RunningDaemon start(Path dir, String yaml, Channels channels, Clock hostClock)
      throws Exception {
    Path file = dir.resolve("herald.yaml");
    Files.writeString(file, yaml);
    HeraldConfig config = new ConfigLoader(Map.of()).load(file);
    RunningDaemon d =
        new RunningDaemon(new Daemon(config, channels, PublisherListener.NONE, hostClock));
    d.thread.start();
    assertThat(d.daemon.awaitPublishing(Duration.ofSeconds(20))).as("publishing").isTrue();
    return d;
  }

  Ops ops() {
    return daemon.ops().orElseThrow();
  }

  /** {@code http://127.0.0.1:<port>} of its ops endpoint. */
  String baseUrl() {
    InetSocketAddress a = ops().address().orElseThrow();
    return "http://127.0.0.1:" + a.getPort();
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
