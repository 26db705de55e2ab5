package dev.herald.store.redis;

import dev.herald.store.ServerProbe;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.StreamEntry;

/** {@link ServerProbe} from {@code INFO}, {@code SCAN} and {@code XRANGE}. */
final class RedisServerProbe implements ServerProbe {

  /** Loaded on first use: the daemon never runs it. */
  private static final LuaScript FLOOR = LuaScript.fromResource("bench_floor");

  private final UnifiedJedis redis;
  private final RedisKeys keys;

  RedisServerProbe(UnifiedJedis redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  @Override
  public String version() {
    return info("server", "redis_version");
  }

  @Override
  public String persistence() {
    String aof = info("persistence", "aof_enabled");
    if (!"1".equals(aof)) {
      return "appendonly no";
    }
    Object reply =
        RedisErrors.call(
            "reading appendfsync",
            () -> redis.sendCommand(Protocol.Command.CONFIG, "GET", "appendfsync"));
    List<?> pair = reply instanceof List<?> l ? l : List.of();
    String fsync = pair.size() == 2 ? ScriptArgs.text(pair.get(1)) : "?";
    return "appendonly yes, appendfsync " + fsync;
  }

  @Override
  public double cpuSeconds() {
    String cpu = info("cpu");
    return Double.parseDouble(field(cpu, "cpu", "used_cpu_user"))
        + Double.parseDouble(field(cpu, "cpu", "used_cpu_sys"));
  }

  @Override
  public long usedMemory() {
    return Long.parseLong(info("memory", "used_memory"));
  }

  @Override
  public long commandsProcessed() {
    String stats = RedisErrors.call("reading command statistics", () -> redis.info("commandstats"));
    long calls = 0;
    for (String line : stats.split("\r?\n")) {
      int at = line.indexOf("calls=");
      if (line.startsWith("cmdstat_") && at > 0) {
        int end = line.indexOf(',', at);
        calls += Long.parseLong(line.substring(at + 6, end < 0 ? line.length() : end));
      }
    }
    return calls;
  }

  @Override
  public boolean namespaceHasData() {
    String cursor = "0";
    do {
      ScanResult<String> page = scanNamespace(cursor, 1000);
      if (!page.getResult().isEmpty()) {
        return true;
      }
      cursor = page.getCursor();
    } while (!"0".equals(cursor));
    return false;
  }

  private ScanResult<String> scanNamespace(String cursor, int count) {
    return RedisErrors.call(
        "scanning the namespace",
        () -> redis.scan(cursor, new ScanParams().match(keys.prefix() + "*").count(count)));
  }

  @Override
  public long deleteNamespace() {
    long deleted = 0;
    String cursor = "0";
    do {
      ScanResult<String> page = scanNamespace(cursor, 5000);
      if (!page.getResult().isEmpty()) {
        String[] batch = page.getResult().toArray(String[]::new);
        deleted += RedisErrors.call("deleting benchmark keys", () -> redis.unlink(batch));
      }
      cursor = page.getCursor();
    } while (!"0".equals(cursor));
    return deleted;
  }

  @Override
  public List<StreamEntryTime> readStream(String stream, String afterId, int count) {
    String from = "-".equals(afterId) ? "-" : "(" + afterId;
    List<StreamEntry> entries =
        RedisErrors.call("reading the stream", () -> redis.xrange(stream, from, "+", count));
    List<StreamEntryTime> times = new ArrayList<>(entries.size());
    for (StreamEntry e : entries) {
      times.add(
          new StreamEntryTime(
              e.getID().toString(), e.getID().getTime(), e.getFields().get("notification_id")));
    }
    return times;
  }

  @Override
  public StreamEntryTime lastEntry(String stream) {
    List<StreamEntry> entries =
        RedisErrors.call("reading the stream", () -> redis.xrevrange(stream, "+", "-", 1));
    if (entries.isEmpty()) {
      return null;
    }
    StreamEntry e = entries.get(0);
    return new StreamEntryTime(
        e.getID().toString(), e.getID().getTime(), e.getFields().get("notification_id"));
  }

  @Override
  public void appendFloor(
      String stream, long maxLength, List<String> shared, List<List<String>> routes) {
    List<String> args = new ArrayList<>(2 + shared.size() + routes.size() * 3);
    args.add(Long.toString(maxLength));
    args.add(Integer.toString(shared.size()));
    args.addAll(shared);
    routes.forEach(args::addAll);
    RedisErrors.call(
        "appending the floor's entries", () -> FLOOR.run(redis, List.of(stream), args));
  }

  @Override
  public void appendIntents(String stream, List<String> intentsJson) {
    RedisErrors.call(
        "appending intents",
        () -> {
          try (AbstractPipeline pipe = redis.pipelined()) {
            for (String json : intentsJson) {
              pipe.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("intent", json));
            }
            pipe.sync();
          }
          return null;
        });
  }

  @Override
  public long streamLength(String stream) {
    return RedisErrors.call("reading the stream length", () -> redis.xlen(stream));
  }

  private String info(String section, String field) {
    return field(info(section), section, field);
  }

  private String info(String section) {
    return RedisErrors.call("reading INFO " + section, () -> redis.info(section));
  }

  private static String field(String text, String section, String field) {
    for (String line : text.split("\r?\n")) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1).trim();
      }
    }
    throw new dev.herald.store.StoreException("INFO " + section + " has no " + field);
  }
}
