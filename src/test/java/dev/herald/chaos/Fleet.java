package dev.herald.chaos;

import dev.herald.testing.HeraldProcess;
import dev.herald.testing.Http;
import dev.herald.testing.RedisServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Real {@code herald run} processes sharing one Redis, namespace and stream, each killable. */
final class Fleet implements AutoCloseable {

  private final Path dir;
  private final List<Path> configs = new ArrayList<>();
  private final List<Integer> opsPorts = new ArrayList<>();
  private final List<Integer> apiPorts = new ArrayList<>();
  private final HeraldProcess[] processes;
  private int starts;

  /**
   * @param extraYaml more config, appended to each process's file
   */
  Fleet(Path dir, int size, String redisUrl, String namespace, String stream, String extraYaml) {
    this.dir = dir;
    this.processes = new HeraldProcess[size];
    for (int i = 0; i < size; i++) {
      int port = RedisServerProcess.freePort();
      opsPorts.add(port);
      int apiPort = RedisServerProcess.freePort();
      apiPorts.add(apiPort);
      Path config = dir.resolve("herald-" + i + ".yaml");
      try {
        Files.writeString(
            config,
            String.join(
                    "\n",
                    "redis:",
                    "  url: " + redisUrl,
                    "namespace: " + namespace,
                    "gateway:",
                    "  stream: " + stream,
                    "  max-length: 10000000",
                    "ops:",
                    "  listen: 127.0.0.1:" + port,
                    "api:",
                    "  listen: 127.0.0.1:" + apiPort,
                    "spool:",
                    "  dir: " + dir.resolve("spool-" + i),
                    "")
                + extraYaml);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      configs.add(config);
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

  /** {@code http://127.0.0.1:<port>} of process i's HTTP API. */
  String apiUrl(int i) {
    return "http://127.0.0.1:" + apiPorts.get(i);
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

  boolean allUp() {
    for (HeraldProcess p : processes) {
      if (p == null || !p.logged("publisher started")) {
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
  String logs() {
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
