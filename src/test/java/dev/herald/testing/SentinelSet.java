package dev.herald.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A real primary, one replica and three sentinels on free loopback ports, for failover tests. The
 * sentinels are {@code redis-server --sentinel} of the same binary as {@link RedisServerProcess}
 * (Debian's {@code redis-sentinel} is that binary too), so they run wherever the tests' Redis does.
 * They judge the primary down after {@link #DOWN_AFTER} and need two of three to agree.
 */
public final class SentinelSet implements AutoCloseable {

  /** The name the sentinels monitor the primary under. */
  public static final String MASTER = "herald";

  /** How long the primary must not answer before a sentinel thinks it down. */
  public static final Duration DOWN_AFTER = Duration.ofMillis(1000);

  private final RedisServerProcess primary;
  private final RedisServerProcess replica;
  private final List<Process> sentinels = new ArrayList<>();
  private final List<Integer> sentinelPorts = new ArrayList<>();
  private final Path dir;

  private SentinelSet(RedisServerProcess primary, RedisServerProcess replica, Path dir) {
    this.primary = primary;
    this.replica = replica;
    this.dir = dir;
  }

  /** Starts all five and waits until the sentinels know the replica and each other. */
  public static SentinelSet start(String... serverArgs) {
    RedisServerProcess primary = RedisServerProcess.start(serverArgs);
    List<String> replicaArgs = new ArrayList<>(List.of(serverArgs));
    replicaArgs.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(primary.port())));
    RedisServerProcess replica = RedisServerProcess.start(replicaArgs.toArray(new String[0]));
    SentinelSet set;
    try {
      set = new SentinelSet(primary, replica, Files.createTempDirectory("herald-sentinels-"));
      for (int i = 0; i < 3; i++) {
        set.startSentinel(i);
      }
      set.awaitReady(Duration.ofSeconds(60));
    } catch (IOException e) {
      primary.close();
      replica.close();
      throw new UncheckedIOException(e);
    }
    return set;
  }

  private void startSentinel(int i) throws IOException {
    int port = RedisServerProcess.freePort();
    Path conf = dir.resolve("sentinel-" + i + ".conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "port " + port,
            "bind 127.0.0.1",
            "dir " + dir,
            "sentinel monitor " + MASTER + " 127.0.0.1 " + primary.port() + " 2",
            "sentinel down-after-milliseconds " + MASTER + " " + DOWN_AFTER.toMillis(),
            "sentinel failover-timeout " + MASTER + " 10000",
            "sentinel parallel-syncs " + MASTER + " 1",
            ""));
    Process p =
        new ProcessBuilder(RedisServerProcess.binary().toString(), conf.toString(), "--sentinel")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("sentinel-" + i + ".log").toFile())
            .start();
    sentinels.add(p);
    sentinelPorts.add(port);
  }

  private void awaitReady(Duration timeout) throws IOException {
    long end = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < end) {
      boolean ready = true;
      for (int port : sentinelPorts) {
        try (Jedis s = new Jedis(new HostAndPort("127.0.0.1", port))) {
          var master = s.sentinelMaster(MASTER);
          String others = String.valueOf(master.get("num-other-sentinels"));
          String replicas = String.valueOf(master.get("num-slaves"));
          last = "sentinel " + port + ": other sentinels " + others + ", replicas " + replicas;
          ready &= others.equals("2") && replicas.equals("1");
        } catch (RuntimeException notYet) {
          last = "sentinel " + port + ": " + notYet.getMessage();
          ready = false;
        }
      }
      if (ready) {
        try (Jedis r = new Jedis(new HostAndPort("127.0.0.1", replica.port()))) {
          if (r.info("replication").contains("master_link_status:up")) {
            return;
          }
          last = "replica not in sync yet";
        } catch (RuntimeException notYet) {
          last = "replica: " + notYet.getMessage();
        }
      }
      try {
        TimeUnit.MILLISECONDS.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    throw new IOException("the sentinels did not settle within " + timeout + ": " + last);
  }

  public RedisServerProcess primary() {
    return primary;
  }

  public RedisServerProcess replica() {
    return replica;
  }

  /** {@code host:port} of each sentinel. */
  public List<String> nodes() {
    return sentinelPorts.stream().map(p -> "127.0.0.1:" + p).toList();
  }

  /** The primary's address as the first sentinel that answers names it now. */
  public HostAndPort currentPrimary() {
    for (int port : sentinelPorts) {
      try (Jedis s = new Jedis(new HostAndPort("127.0.0.1", port))) {
        List<String> addr = s.sentinelGetMasterAddrByName(MASTER);
        return new HostAndPort(addr.get(0), Integer.parseInt(addr.get(1)));
      } catch (RuntimeException tryNext) {
        // another sentinel
      }
    }
    throw new IllegalStateException("no sentinel answered");
  }

  /** A crash of the primary: SIGKILL; it stays down. */
  public void killPrimary() {
    primary.kill();
  }

  /** A planned switch-over: {@code SENTINEL FAILOVER} on the first sentinel. */
  public void failover() {
    try (Jedis s = new Jedis(new HostAndPort("127.0.0.1", sentinelPorts.get(0)))) {
      s.sentinelFailover(MASTER);
    }
  }

  /** The {@code redis.sentinel} section of a Herald config, and a URL whose host is the master. */
  public List<String> redisYaml() {
    List<String> lines = new ArrayList<>();
    lines.add("redis:");
    lines.add("  url: redis://" + MASTER);
    lines.add("  sentinel:");
    lines.add("    master: " + MASTER);
    lines.add("    nodes:");
    nodes().forEach(n -> lines.add("      - " + n));
    return lines;
  }

  @Override
  public void close() {
    for (Process p : sentinels) {
      p.destroyForcibly();
    }
    for (Process p : sentinels) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    replica.close();
    primary.close();
  }
}
