package dev.herald.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A real Redis Cluster on free loopback ports: three masters and three replicas, each a {@link
 * RedisServerProcess} with {@code cluster-enabled yes}, joined by {@code redis-cli --cluster create
 * … --cluster-replicas 1 --cluster-yes}. The servers are the tests' binary (Redis 7.0 from the
 * PATH, or {@code HERALD_TEST_REDIS_SERVER}, 6.2 in CI); {@code redis-cli} comes from the PATH
 * ({@code HERALD_TEST_REDIS_CLI} to choose another): the 7.0 one creates a 6.2 cluster as well.
 */
public final class RedisClusterSet implements AutoCloseable {

  /** How long a master must not answer before the others judge it failed. */
  public static final Duration NODE_TIMEOUT = Duration.ofMillis(2000);

  private static final int MASTERS = 3;

  private final List<RedisServerProcess> nodes;
  private final List<String> serverArgs = new ArrayList<>();
  private List<String> aclRules = List.of();

  private RedisClusterSet(List<RedisServerProcess> nodes) {
    this.nodes = nodes;
  }

  /** Starts six servers, creates the cluster and waits until every node sees all slots served. */
  public static RedisClusterSet start(String... serverArgs) {
    List<RedisServerProcess> nodes = new ArrayList<>();
    RedisClusterSet set = new RedisClusterSet(nodes);
    try {
      for (int i = 0; i < 2 * MASTERS; i++) {
        List<String> args =
            new ArrayList<>(
                List.of(
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    "nodes.conf",
                    "--cluster-node-timeout",
                    Long.toString(NODE_TIMEOUT.toMillis()),
                    // A replica that lost its master promotes itself however long ago it last
                    // heard from it: a test kills masters on purpose, soon after the start.
                    "--cluster-replica-validity-factor",
                    "0",
                    "--appendonly",
                    "no"));
        args.addAll(List.of(serverArgs));
        set.serverArgs.clear();
        set.serverArgs.addAll(args);
        nodes.add(startNode(args.toArray(String[]::new)));
      }
      set.create();
      set.awaitSettled(Duration.ofSeconds(60));
      return set;
    } catch (IOException e) {
      set.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      set.close();
      throw e;
    }
  }

  /**
   * One node on a free port. A cluster node also listens on its port + 10,000 (the cluster bus),
   * which the free-port pick cannot see: when another process holds that one, the node exits at
   * start, and it is started again on another port.
   */
  private static RedisServerProcess startNode(String... args) {
    UncheckedIOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      try {
        return RedisServerProcess.start(args);
      } catch (UncheckedIOException e) {
        if (!String.valueOf(e.getMessage()).contains("Address already in use")) {
          throw e;
        }
        last = e;
      }
    }
    throw last;
  }

  /** {@code redis-cli}: {@code HERALD_TEST_REDIS_CLI}, else the PATH's. */
  public static String cli() {
    String configured = System.getenv("HERALD_TEST_REDIS_CLI");
    return configured == null || configured.isBlank() ? "redis-cli" : configured;
  }

  private void create() throws IOException {
    List<String> cmd = new ArrayList<>(List.of(cli(), "--cluster", "create"));
    nodes.forEach(n -> cmd.add("127.0.0.1:" + n.port()));
    cmd.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
    run(cmd, Duration.ofSeconds(60));
  }

  /**
   * Runs a redis-cli (or other) command; a non-zero exit throws with its output. The output goes to
   * a file while it runs: a reshard prints a line per slot and more, past what a pipe holds unread.
   */
  public static String run(List<String> cmd, Duration timeout) throws IOException {
    Path out = Files.createTempFile("redis-cli", ".out");
    try {
      Process p =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      try {
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IOException(String.join(" ", cmd) + " did not finish within " + timeout);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + text);
      }
      return text;
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /**
   * Waits until every node says {@code cluster_state:ok} and knows all six nodes, and each replica
   * is in sync with its master.
   */
  public void awaitSettled(Duration timeout) throws IOException {
    long end = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < end) {
      boolean ok = true;
      for (RedisServerProcess n : nodes) {
        try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", n.port()))) {
          String info = j.clusterInfo();
          String replication = j.info("replication");
          boolean settled =
              info.contains("cluster_state:ok")
                  && !j.clusterNodes().contains("->-")
                  && !j.clusterNodes().contains("-<-")
                  && info.contains("cluster_known_nodes:" + nodes.size())
                  && info.contains("cluster_slots_ok:16384")
                  && (replication.contains("role:master")
                      || replication.contains("master_link_status:up"));
          if (!settled) {
            last = "node " + n.port() + ": " + info.lines().limit(6).toList();
          }
          ok &= settled;
        } catch (RuntimeException notYet) {
          last = "node " + n.port() + ": " + notYet.getMessage();
          ok = false;
        }
      }
      if (ok) {
        return;
      }
      try {
        TimeUnit.MILLISECONDS.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    throw new IOException("the cluster did not settle within " + timeout + ": " + last);
  }

  /**
   * Makes the user {@code user} with {@code rules} ({@code ACL SETUSER user reset …}) on every
   * node, and on each node {@link #addMaster} adds later: Redis Cluster does not share ACLs, and a
   * replica promoted must know the user too.
   */
  public void acl(String user, List<String> rules) {
    this.aclRules = new ArrayList<>(List.of(user));
    this.aclRules.addAll(rules);
    nodes.forEach(this::applyAcl);
  }

  private void applyAcl(RedisServerProcess node) {
    if (aclRules.isEmpty()) {
      return;
    }
    List<String> args = new ArrayList<>(List.of("SETUSER", aclRules.get(0), "reset"));
    args.addAll(aclRules.subList(1, aclRules.size()));
    try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", node.port()))) {
      j.sendCommand(redis.clients.jedis.Protocol.Command.ACL, args.toArray(String[]::new));
    }
  }

  /**
   * Starts one more node and joins it as a master without slots ({@code redis-cli --cluster
   * add-node}), as an operator growing the cluster does; returns it once every node knows it.
   */
  public RedisServerProcess addMaster() throws IOException {
    RedisServerProcess node = startNode(serverArgs.toArray(String[]::new));
    nodes.add(node);
    applyAcl(node);
    run(
        List.of(
            cli(),
            "--cluster",
            "add-node",
            "127.0.0.1:" + node.port(),
            "127.0.0.1:" + masters().get(0).port()),
        Duration.ofSeconds(60));
    awaitSettled(Duration.ofSeconds(60));
    return node;
  }

  /** A node's cluster id. */
  public static String id(RedisServerProcess node) {
    try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", node.port()))) {
      return j.clusterMyId();
    }
  }

  /** The master that serves {@code slot} now, as {@code via} sees it. */
  public RedisServerProcess ownerOf(int slot, RedisServerProcess via) {
    try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", via.port()))) {
      for (Object range : j.clusterSlots()) {
        List<?> r = (List<?>) range;
        if (slot >= (Long) r.get(0) && slot <= (Long) r.get(1)) {
          long port = (Long) ((List<?>) r.get(2)).get(1);
          return nodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow();
        }
      }
    }
    throw new IllegalStateException("no master serves slot " + slot);
  }

  /**
   * {@code redis-cli --cluster reshard}: moves {@code slots} slots (the lowest-numbered ones {@code
   * from} has) to {@code to}, key by key, while clients go on; returns redis-cli's output.
   */
  public String reshard(RedisServerProcess from, RedisServerProcess to, int slots)
      throws IOException {
    return run(
        List.of(
            cli(),
            "--cluster",
            "reshard",
            "127.0.0.1:" + from.port(),
            "--cluster-from",
            id(from),
            "--cluster-to",
            id(to),
            "--cluster-slots",
            Integer.toString(slots),
            "--cluster-yes"),
        Duration.ofMinutes(5));
  }

  /**
   * {@code redis-cli --cluster rebalance --cluster-use-empty-masters}: evens the slots out over
   * every master, an empty one added included; returns redis-cli's output.
   */
  public String rebalance() throws IOException {
    return run(
        List.of(
            cli(),
            "--cluster",
            "rebalance",
            "127.0.0.1:" + masters().get(0).port(),
            "--cluster-use-empty-masters"),
        Duration.ofMinutes(5));
  }

  /** Every node, masters and replicas as created (a failover changes which is which). */
  public List<RedisServerProcess> nodes() {
    return nodes;
  }

  /** {@code host:port} of each node: the seed nodes of a Herald config. */
  public List<String> addresses() {
    return nodes.stream().map(n -> "127.0.0.1:" + n.port()).toList();
  }

  /** The nodes that are masters now, as each node says of itself. */
  public List<RedisServerProcess> masters() {
    List<RedisServerProcess> masters = new ArrayList<>();
    for (RedisServerProcess n : nodes) {
      try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", n.port()))) {
        if (j.info("replication").contains("role:master")) {
          masters.add(n);
        }
      } catch (RuntimeException down) {
        // killed, or not answering: not a master we can use
      }
    }
    return masters;
  }

  /**
   * The {@code redis:} section of a Herald config on this cluster, and the top-level {@code shards}
   * key.
   */
  public List<String> redisYaml(int shards) {
    List<String> lines = new ArrayList<>();
    lines.add("redis:");
    lines.add("  cluster:");
    lines.add("    nodes:");
    addresses().forEach(a -> lines.add("      - " + a));
    lines.add("shards: " + shards);
    return lines;
  }

  /** Stops every node (SIGKILL: nothing in a test cluster is worth a clean shutdown). */
  @Override
  public void close() {
    nodes.forEach(RedisServerProcess::close);
  }

  /** The directory of a node's data and log, for a failing test's diagnosis. */
  public static Path logOf(RedisServerProcess node) {
    return node.dir().resolve("redis.log");
  }

  /** Reads a node's log (for assertion messages). */
  public static String log(RedisServerProcess node) {
    try {
      return Files.readString(logOf(node));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
