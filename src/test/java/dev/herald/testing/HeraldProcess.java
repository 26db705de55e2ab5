package dev.herald.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real {@code herald} JVM started from this test's class path, which a test may kill. */
public final class HeraldProcess implements AutoCloseable {

  private final Process process;
  private final Path log;

  private HeraldProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * {@code java … dev.herald.Main <args>}, with SIGHUP, SIGINT and SIGTERM back at their defaults
   * where {@code env} can do that: a suite started by {@code nohup} or as a shell's background job
   * passes those signals on ignored, and a JVM that inherits an ignored signal never handles it, so
   * the tests that reload or interrupt a Herald would wait for nothing.
   */
  private static List<String> heraldCommand(String heap, String... args) {
    List<String> cmd = new ArrayList<>();
    if (ENV_RESETS_SIGNALS) {
      cmd.addAll(List.of("env", "--default-signal=HUP,INT,TERM"));
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + heap);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.herald.Main");
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static final boolean ENV_RESETS_SIGNALS = envResetsSignals();

  private static boolean envResetsSignals() {
    try {
      Process p = new ProcessBuilder("env", "--default-signal=HUP", "true").start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Starts {@code herald <args>}, its output going to {@code log}, in a working directory of its
   * own next to it ({@code first.log}: {@code first/}), so that what it writes relative to it (the
   * embedded Redis's data, a spool) never lands in the repository or another process's.
   */
  public static HeraldProcess start(Path log, String... args) {
    return start(log, Map.of(), args);
  }

  /** As {@link #start(Path, String...)}, with {@code env} added to its environment. */
  public static HeraldProcess start(Path log, Map<String, String> env, String... args) {
    List<String> cmd = heraldCommand("256m", args);
    try {
      String name = log.getFileName().toString().replaceFirst("\\.log$", "");
      Path workDir = Files.createDirectories(log.resolveSibling(name));
      ProcessBuilder builder =
          new ProcessBuilder(cmd)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().putAll(env);
      Process p = builder.start();
      return new HeraldProcess(p, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code herald <args>} as a command run by hand: stdout to {@code out}, stderr to {@code log},
   * in a heap of {@code heap} ({@code 64m}), in a working directory of its own next to the log.
   */
  public static HeraldProcess command(Path out, Path log, String heap, String... args) {
    List<String> cmd = heraldCommand(heap, args);
    try {
      String name = log.getFileName().toString().replaceFirst("\\.log$", "");
      Path workDir = Files.createDirectories(log.resolveSibling(name));
      Process p =
          new ProcessBuilder(cmd)
              .directory(workDir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      return new HeraldProcess(p, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGSTOP: the JVM freezes mid-whatever, leases and all, as in a long GC pause. */
  public void pause() {
    Signals.send(process.pid(), "STOP");
  }

  /** SIGCONT after {@link #pause}. */
  public void resume() {
    Signals.send(process.pid(), "CONT");
  }

  /** SIGHUP, as {@code systemctl reload} sends it. */
  public void hangUp() {
    Signals.send(process.pid(), "HUP");
  }

  /** SIGKILL: no shutdown hook, no clean-up, leases left as they are. */
  public void kill() {
    process.destroyForcibly();
    waitFor(10);
  }

  /** SIGTERM, then waits for the exit code. */
  public int terminate(int seconds) {
    process.destroy();
    return waitFor(seconds);
  }

  /** Waits for it to exit by itself; -1 (and killed) if it did not within {@code seconds}. */
  public int waitForExit(int seconds) {
    return waitFor(seconds);
  }

  /** SIGINT, as Ctrl-C in a terminal sends, then waits for the exit code. */
  public int interrupt(int seconds) {
    Signals.send(process.pid(), "INT");
    return waitFor(seconds);
  }

  private int waitFor(int seconds) {
    try {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        return -1;
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** True once the process has logged {@code text}. */
  public boolean logged(String text) {
    return log().contains(text);
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }
}
