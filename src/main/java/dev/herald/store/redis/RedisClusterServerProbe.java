package dev.herald.store.redis;

import dev.herald.store.ServerProbe;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * {@link ServerProbe} of a Redis Cluster: what is about the server ({@code INFO}) summed over the
 * masters serving the shards, the namespace scanned on each master, and what is about one key (a
 * stream) asked of the master of its slot, as on one Redis.
 */
final class RedisClusterServerProbe extends ForwardingServerProbe {

  private final RedisMasters masters;
  private final RedisKeys keys;

  /**
   * @param oneKey the one-Redis probe on the cluster client: right for every single-key call
   */
  RedisClusterServerProbe(RedisMasters masters, RedisKeys keys, ServerProbe oneKey) {
    super(oneKey);
    this.masters = masters;
    this.keys = keys;
  }

  @Override
  public String version() {
    Set<String> versions = new LinkedHashSet<>();
    for (RedisMasters.Master m : masters.masters()) {
      versions.add(RedisMasters.field(masters.info(m, "server"), "redis_version"));
    }
    return String.join(" and ", versions) + " (cluster, " + masters.masters().size() + " masters)";
  }

  @Override
  public String persistence() {
    Set<String> each = new LinkedHashSet<>();
    for (RedisMasters.Master m : masters.masters()) {
      if (!"1".equals(RedisMasters.field(masters.info(m, "persistence"), "aof_enabled"))) {
        each.add("appendonly no");
      } else {
        Map<String, String> fsync =
            RedisErrors.call(
                "reading appendfsync of " + m.address(),
                () -> masters.on(m, j -> j.configGet("appendfsync")));
        each.add("appendonly yes, appendfsync " + fsync.getOrDefault("appendfsync", "?"));
      }
    }
    return String.join(" / ", each);
  }

  @Override
  public double cpuSeconds() {
    double total = 0;
    for (RedisMasters.Master m : masters.masters()) {
      String cpu = masters.info(m, "cpu");
      total +=
          Double.parseDouble(RedisMasters.field(cpu, "used_cpu_user"))
              + Double.parseDouble(RedisMasters.field(cpu, "used_cpu_sys"));
    }
    return total;
  }

  @Override
  public long usedMemory() {
    long total = 0;
    for (RedisMasters.Master m : masters.masters()) {
      total += Long.parseLong(RedisMasters.field(masters.info(m, "memory"), "used_memory"));
    }
    return total;
  }

  @Override
  public long commandsProcessed() {
    long calls = 0;
    for (RedisMasters.Master m : masters.masters()) {
      for (String line : masters.info(m, "commandstats").split("\r?\n")) {
        int at = line.indexOf("calls=");
        if (line.startsWith("cmdstat_") && at > 0) {
          int end = line.indexOf(',', at);
          calls += Long.parseLong(line.substring(at + 6, end < 0 ? line.length() : end));
        }
      }
    }
    return calls;
  }

  @Override
  public boolean namespaceHasData() {
    for (RedisMasters.Master m : masters.masters()) {
      String cursor = "0";
      do {
        ScanResult<String> page = scan(m, cursor, 1000);
        if (!page.getResult().isEmpty()) {
          return true;
        }
        cursor = page.getCursor();
      } while (!"0".equals(cursor));
    }
    return false;
  }

  /** Deletes on each master, one UNLINK per slot of each page (keys of two slots are refused). */
  @Override
  public long deleteNamespace() {
    long deleted = 0;
    for (RedisMasters.Master m : masters.masters()) {
      String cursor = "0";
      do {
        ScanResult<String> page = scan(m, cursor, 5000);
        Map<Integer, List<String>> bySlot = new TreeMap<>();
        page.getResult()
            .forEach(
                k -> bySlot.computeIfAbsent(RedisMasters.slot(k), s -> new ArrayList<>()).add(k));
        for (List<String> slotKeys : bySlot.values()) {
          String[] batch = slotKeys.toArray(String[]::new);
          deleted +=
              RedisErrors.call(
                  "deleting benchmark keys on " + m.address(),
                  () -> masters.on(m, (Jedis j) -> j.unlink(batch)));
        }
        cursor = page.getCursor();
      } while (!"0".equals(cursor));
    }
    return deleted;
  }

  private ScanResult<String> scan(RedisMasters.Master m, String cursor, int count) {
    return RedisErrors.call(
        "scanning the namespace on " + m.address(),
        () ->
            masters.on(
                m, j -> j.scan(cursor, new ScanParams().match(keys.prefix() + "*").count(count))));
  }
}
