package dev.herald.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.embedded.core.ExecutableProvider;

/**
 * A real redis-server process on a free loopback port, which a test may stop, crash and restart.
 * The binary is {@code HERALD_TEST_REDIS_SERVER} if set, else {@code redis-server} from the PATH,
 * else the one the embedded-redis dependency ships (Redis 6.2).
 */
public final class RedisServerProcess implements AutoCloseable {

  private final Path binary;
  private final Path dir;
  private final int port;
  private final List<String> extraArgs;
  private Process process;

  private RedisServerProcess(Path binary, Path dir, int port, List<String> extraArgs) {
    this.binary = binary;
    this.dir = dir;
    this.port = port;
    this.extraArgs = List.copyOf(extraArgs);
  }

  /** Starts a server in a fresh temporary directory; {@code args} are redis-server options. */
  public static RedisServerProcess start(String... args) {
    try {
      Path dir = Files.createTempDirectory("herald-redis-");
      RedisServerProcess p = new RedisServerProcess(binary(), dir, freePort(), List.of(args));
      p.startProcess();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path binary() throws IOException {
    String configured = System.getenv("HERALD_TEST_REDIS_SERVER");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, "redis-server");
      if (!dir.isEmpty() && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return ExecutableProvider.newJarResourceProvider().get().toPath();
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public Path dir() {
    return dir;
  }

  public String describe() {
    return binary + " on port " + port;
  }

  private void startProcess() throws IOException {
    startProcess(Duration.ofSeconds(20), List.of());
  }

  private void startProcess(Duration timeout, List<String> moreArgs) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary.toString());
    cmd.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1"));
    cmd.addAll(List.of("--dir", dir.toString(), "--save", "", "--daemonize", "no"));
    if (majorVersion(binary) >= 7) {
      // The fault tests use DEBUG (SLEEP, POPULATE), which Redis 7 refuses unless enabled; 6.2
      // allows it and would refuse the option.
      cmd.addAll(List.of("--enable-debug-command", "yes"));
    }
    cmd.addAll(extraArgs);
    cmd.addAll(moreArgs);
    process =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    try {
      awaitAnswering(timeout);
    } catch (IOException e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** Kills the server abruptly (as a crash would) and waits for it to be gone. */
  public void kill() {
    if (process.isAlive()) {
      resume(); // a stopped process would not die of SIGKILL until continued on some systems
    }
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Freezes the server (SIGSTOP): connections are accepted by the kernel but nothing answers, as
   * with a Redis stuck in a long command or a frozen VM. {@link #resume} thaws it.
   */
  public void pause() {
    signal("STOP");
  }

  /** Thaws a {@link #pause}d server (SIGCONT). */
  public void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    Signals.send(process.pid(), name);
  }

  /** Starts a {@link #kill}ed or {@link #shutdown} server again, same port and directory. */
  public void startAgain() {
    startAgain(Duration.ofSeconds(20));
  }

  /**
   * As {@link #startAgain()}, waiting up to {@code timeout} for it to answer PING (a server loading
   * a large dataset answers LOADING until it is done).
   */
  public void startAgain(Duration timeout, String... moreArgs) {
    try {
      startProcess(timeout, List.of(moreArgs));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A clean stop: {@code SHUTDOWN} (the AOF is flushed), then waits for the process to end. */
  public void shutdown() {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.getOutputStream().write(command("SHUTDOWN"));
      s.getInputStream().read();
    } catch (IOException closedByShutdown) {
      // expected: the server closes the connection as it goes
    }
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Sends one command and returns the first line of the reply (for DEBUG, CONFIG, …). An error
   * reply throws: a fault that was refused must not pass for one that was injected.
   */
  public String call(String... args) {
    String reply;
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(command(args));
      byte[] buf = new byte[4096];
      int n = s.getInputStream().read(buf);
      reply = n <= 0 ? "" : new String(buf, 0, n).lines().findFirst().orElse("");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (reply.startsWith("-")) {
      throw new IllegalStateException(String.join(" ", args) + " refused: " + reply.substring(1));
    }
    return reply;
  }

  /** The major version of a redis-server binary, from {@code redis-server --version}. */
  private static int majorVersion(Path binary) throws IOException {
    Process p =
        new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("v=(\\d+)\\.").matcher(out);
    if (!m.find()) {
      throw new IOException("cannot tell the version of " + binary + " from: " + out);
    }
    return Integer.parseInt(m.group(1));
  }

  private static byte[] command(String... args) {
    StringBuilder out = new StringBuilder("*" + args.length + "\r\n");
    for (String a : args) {
      out.append('$')
          .append(a.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
          .append("\r\n");
      out.append(a).append("\r\n");
    }
    return out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Starts the server again on the same port and directory (so with its AOF, if enabled). */
  public void restart() {
    kill();
    try {
      startProcess();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitAnswering(Duration timeout) throws IOException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (!process.isAlive()) {
        throw new IOException(
            "redis-server exited at start ("
                + binary
                + "); log: "
                + Files.readString(dir.resolve("redis.log")));
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.getOutputStream().write("PING\r\n".getBytes());
        byte[] buf = new byte[7];
        int n = s.getInputStream().read(buf);
        String reply = n > 0 ? new String(buf, 0, n) : "";
        if (reply.startsWith("+PONG") || reply.startsWith("-NOAUTH")) { // up, with requirepass
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      try {
        TimeUnit.MILLISECONDS.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    throw new IOException("redis-server did not answer on port " + port + " within " + timeout);
  }

  /** Every port {@link #freePort} has handed out in this JVM. */
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  /**
   * A loopback port nothing listens on now, and one this JVM has not handed out before: the kernel
   * gives a port it just freed to the next ask as well, so two asks before either is bound (a
   * process's API and console ports) could get the same one, and the process would refuse its
   * config.
   */
  public static int freePort() {
    while (true) {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        s.setReuseAddress(true);
        port = s.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
  }

  @Override
  public void close() {
    kill();
  }
}
