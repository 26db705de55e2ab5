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
 * A real Redis Cluster on free loopback ports: three masters and three replicas, each a {@link
 * RedisServerProcess} with {@code cluster-enabled yes}, joined the way {@code redis-cli --cluster
 * create … --cluster-replicas 1} joins them (the same slot ranges, a config epoch per master,
 * {@code CLUSTER MEET}, then {@code CLUSTER REPLICATE}), through the cluster commands themselves: a
 * machine with only Java and Maven has no {@code redis-cli}. The servers are the tests' binary
 * (Redis 7.0 from the PATH, or {@code HERALD_TEST_REDIS_SERVER}, the embedded 6.2 without one).
 * {@link #reshard}, {@link #addMaster} and {@link #rebalance} take the steps of the {@code
 * redis-cli --cluster} commands of those names, slot by slot ({@link SlotMove}).
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

  /** The first slot of master {@code i} of {@code masters}, as redis-cli divides the 16,384. */
  private static int firstSlot(int i, int masters) {
    return i == 0 ? 0 : (int) Math.round(i * (SLOTS / (double) masters) - 1) + 1;
  }

  private static final int SLOTS = 16_384;

  private void create() throws IOException {
    for (int i = 0; i < MASTERS; i++) {
      int from = firstSlot(i, MASTERS);
      int to = i == MASTERS - 1 ? SLOTS - 1 : firstSlot(i + 1, MASTERS) - 1;
      try (Jedis j = jedis(nodes.get(i))) {
        j.clusterAddSlots(java.util.stream.IntStream.rangeClosed(from, to).toArray());
        // Distinct epochs from the start, as redis-cli sets them: no collision to resolve.
        j.clusterSetConfigEpoch(i + 1);
      }
    }
    for (int i = 1; i < nodes.size(); i++) {
      meet(nodes.get(i), nodes.get(0));
    }
    awaitKnown(Duration.ofSeconds(60));
    for (int i = MASTERS; i < nodes.size(); i++) {
      String master = id(nodes.get(i - MASTERS));
      retry(Duration.ofSeconds(30), nodes.get(i), j -> j.clusterReplicate(master));
    }
  }

  private static void meet(RedisServerProcess node, RedisServerProcess known) {
    try (Jedis j = jedis(node)) {
      j.clusterMeet("127.0.0.1", known.port());
    }
  }

  /** Waits until every node knows every other one (the gossip after {@code CLUSTER MEET}). */
  private void awaitKnown(Duration timeout) throws IOException {
    long end = System.nanoTime() + timeout.toNanos();
    String known = "cluster_known_nodes:" + nodes.size() + "\r\n";
    while (true) {
      boolean all = true;
      for (RedisServerProcess n : nodes) {
        try (Jedis j = jedis(n)) {
          all &= j.clusterInfo().contains(known);
        }
      }
      if (all) {
        return;
      }
      pause(end, "the nodes did not all meet within " + timeout);
    }
  }

  /** Runs {@code command} on {@code node} until it succeeds (a node not known yet, a sync). */
  private static void retry(
      Duration timeout, RedisServerProcess node, java.util.function.Consumer<Jedis> command)
      throws IOException {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      try (Jedis j = jedis(node)) {
        command.accept(j);
        return;
      } catch (RuntimeException e) {
        pause(end, "node " + node.port() + " refused within " + timeout + ": " + e.getMessage());
      }
    }
  }

  private static void pause(long end, String failure) throws IOException {
    if (System.nanoTime() > end) {
      throw new IOException(failure);
    }
    try {
      TimeUnit.MILLISECONDS.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static Jedis jedis(RedisServerProcess node) {
    return new Jedis(new HostAndPort("127.0.0.1", node.port()));
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
   * add-node}: {@code CLUSTER MEET}), as an operator growing the cluster does; returns it once
   * every node knows it.
   */
  public RedisServerProcess addMaster() throws IOException {
    RedisServerProcess node = startNode(serverArgs.toArray(String[]::new));
    nodes.add(node);
    applyAcl(node);
    meet(node, masters().get(0));
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
   * from} has) to {@code to}, key by key, while clients go on; returns what it moved.
   */
  public String reshard(RedisServerProcess from, RedisServerProcess to, int slots) {
    List<RedisServerProcess> masters = masters();
    List<Integer> moving = slotsOf(from).subList(0, slots);
    moving.forEach(slot -> SlotMove.between(masters, slot, from, to).finish());
    return "moved " + moving.size() + " slots from " + from.port() + " to " + to.port();
  }

  /**
   * {@code redis-cli --cluster rebalance --cluster-use-empty-masters}: evens the slots out over
   * every master, an empty one added included (the fullest keep the odd slots over an even share),
   * each giving its lowest-numbered slots beyond its share; returns what it moved.
   */
  public String rebalance() {
    List<RedisServerProcess> masters = new ArrayList<>(masters());
    java.util.Map<RedisServerProcess, List<Integer>> owned = new java.util.HashMap<>();
    masters.forEach(m -> owned.put(m, new ArrayList<>(slotsOf(m))));
    masters.sort((a, b) -> owned.get(b).size() - owned.get(a).size());
    java.util.Map<RedisServerProcess, Integer> share = new java.util.HashMap<>();
    for (int i = 0; i < masters.size(); i++) {
      share.put(masters.get(i), SLOTS / masters.size() + (i < SLOTS % masters.size() ? 1 : 0));
    }
    int moved = 0;
    for (RedisServerProcess to : masters) {
      for (RedisServerProcess from : masters) {
        while (owned.get(to).size() < share.get(to) && owned.get(from).size() > share.get(from)) {
          int slot = owned.get(from).remove(0);
          SlotMove.between(masters, slot, from, to).finish();
          owned.get(to).add(slot);
          moved++;
        }
      }
    }
    return "moved " + moved + " slots over " + masters.size() + " masters";
  }

  /** The slots {@code master} serves, lowest first, as it says itself. */
  static List<Integer> slotsOf(RedisServerProcess master) {
    List<Integer> slots = new ArrayList<>();
    try (Jedis j = jedis(master)) {
      for (String line : j.clusterNodes().split("\n")) {
        if (!line.contains("myself")) {
          continue;
        }
        String[] f = line.split(" ");
        for (int i = 8; i < f.length; i++) {
          if (f[i].startsWith("[")) {
            continue; // a slot being moved, not served
          }
          String[] range = f[i].trim().split("-");
          int first = Integer.parseInt(range[0]);
          int last = range.length > 1 ? Integer.parseInt(range[1]) : first;
          for (int slot = first; slot <= last; slot++) {
            slots.add(slot);
          }
        }
      }
    }
    return slots;
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
