package dev.herald.chaos;

import static org.awaitility.Awaitility.await;

import dev.herald.testing.Harness;
import dev.herald.testing.HeraldProcess;
import dev.herald.testing.Http;
import dev.herald.testing.RedisServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Real {@code herald run} processes sharing one Redis, namespace and stream, each killable. */
public final class Fleet implements AutoCloseable {

  private final Path dir;
  private final List<Path> configs = new ArrayList<>();
  private final List<Integer> opsPorts = new ArrayList<>();
  private final List<Integer> apiPorts = new ArrayList<>();
  private final List<Integer> consolePorts = new ArrayList<>();
  private final HeraldProcess[] processes;
  private int starts;

  /**
   * @param h the harness whose Redis, namespace and stream the processes share
   * @param extraYaml more config, appended to each process's file
   */
  Fleet(Path dir, int size, Harness h, String extraYaml) {
    this(dir, size, h, null, extraYaml);
  }

  /**
   * @param redisYaml the {@code redis:} section's lines (Sentinel, TLS), or null for the harness's
   *     Redis
   */
  Fleet(Path dir, int size, Harness h, List<String> redisYaml, String extraYaml) {
    this.dir = dir;
    this.processes = new HeraldProcess[size];
    for (int i = 0; i < size; i++) {
      int port = RedisServerProcess.freePort();
      opsPorts.add(port);
      int apiPort = RedisServerProcess.freePort();
      apiPorts.add(apiPort);
      int consolePort = RedisServerProcess.freePort();
      consolePorts.add(consolePort);
      List<String> lines =
          new ArrayList<>(
              List.of(
                  "ops:",
                  "  listen: 127.0.0.1:" + port,
                  "api:",
                  "  listen: 127.0.0.1:" + apiPort,
                  "spool:",
                  "  dir: " + spoolDir(i)));
      // Each its own console port, under the extra config's console section if it has one.
      List<String> extras = new ArrayList<>(extraYaml.lines().toList());
      int section = extras.indexOf("console:");
      if (section < 0) {
        extras.add("console:");
        section = extras.size() - 1;
      }
      extras.add(section + 1, "  listen: 127.0.0.1:" + consolePort);
      lines.addAll(extras);
      String[] extra = lines.toArray(String[]::new);
      Path own = dir.resolve("herald-" + i);
      configs.add(
          redisYaml == null ? h.writeConfig(own, extra) : h.writeConfig(own, redisYaml, extra));
    }
  }

  /**
   * Starts {@code size} processes on a harness's Redis and waits until each publishes.
   *
   * @param extraYaml more config for each
   */
  public static Fleet up(Path dir, int size, Harness h, String extraYaml) {
    Fleet fleet = new Fleet(dir, size, h, extraYaml);
    try {
      fleet.startAll();
      await().atMost(Duration.ofSeconds(60)).until(fleet::allUp);
      return fleet;
    } catch (RuntimeException e) {
      fleet.close();
      throw e;
    }
  }

  void startAll() {
    for (int i = 0; i < processes.length; i++) {
      start(i);
    }
  }

  void start(int i) {
    processes[i] =
        HeraldProcess.start(
            dir.resolve("herald-" + i + "-" + (starts++) + ".log"),
            "run",
            "--config",
            configs.get(i).toString());
  }

  /** The body of {@code /readyz} of process i (empty when it does not answer). */
  String readyzBody(int i) {
    try {
      return Http.get("http://127.0.0.1:" + opsPorts.get(i) + "/readyz").body();
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** Process i's {@code /metrics}, parsed. */
  dev.herald.testing.Scrape metrics(int i) {
    return dev.herald.testing.Scrape.parse(
        Http.get("http://127.0.0.1:" + opsPorts.get(i) + "/metrics").body());
  }

  /** {@code http://127.0.0.1:<port>} of process i's HTTP API. */
  String apiUrl(int i) {
    return "http://127.0.0.1:" + apiPorts.get(i);
  }

  /** {@code http://127.0.0.1:<port>} of process {@code i}'s web console. */
  public String consoleUrl(int i) {
    return "http://127.0.0.1:" + consolePorts.get(i);
  }

  /** Process i's spool directory. */
  Path spoolDir(int i) {
    return dir.resolve("spool-" + i);
  }

  HeraldProcess get(int i) {
    return processes[i];
  }

  int size() {
    return processes.length;
  }

  /** HTTP status of {@code /readyz} of process i, or -1 when it does not answer. */
  int readyz(int i) {
    try {
      return Http.get("http://127.0.0.1:" + opsPorts.get(i) + "/readyz").status();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /**
   * True once every process publishes; throws, with its log, for one that exited before it did (a
   * refused config exits at once: waiting out the minute would only hide why).
   */
  boolean allUp() {
    for (HeraldProcess p : processes) {
      if (p == null || !p.logged("publisher started")) {
        if (p != null && !p.isAlive()) {
          throw new IllegalStateException(
              "a herald process exited before it published:\n" + p.log());
        }
        return false;
      }
    }
    return true;
  }

  /** True when any process, in any of its runs, logged {@code text}. */
  boolean logged(String text) {
    try (var files = java.nio.file.Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".log"))
          .anyMatch(
              f -> {
                try {
                  return java.nio.file.Files.readString(f).contains(text);
                } catch (IOException e) {
                  return false;
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The tail of each process's log, for failure messages. */
  public String logs() {
    StringBuilder out = new StringBuilder();
    for (HeraldProcess p : processes) {
      if (p != null) {
        String log = p.log();
        out.append(log, Math.max(0, log.length() - 4000), log.length()).append("\n----\n");
      }
    }
    return out.toString();
  }

  /** SIGTERM to all; the exit codes. */
  @Override
  public void close() {
    for (HeraldProcess p : processes) {
      if (p != null) {
        p.close();
      }
    }
    // Keep the logs where a failed run can be read: target/chaos-logs/<temp dir name>/.
    Path kept = Path.of("target", "chaos-logs", dir.getFileName().toString());
    try (var files = Files.list(dir)) {
      Files.createDirectories(kept);
      for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
        Files.copy(
            f, kept.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      // the logs are a convenience
    }
  }
}
