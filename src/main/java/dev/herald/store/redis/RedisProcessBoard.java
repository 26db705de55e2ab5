package dev.herald.store.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.store.ProcessBoard;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;

/** {@link ProcessBoard} on a Redis hash in the namespace (heartbeat.lua has the format). */
final class RedisProcessBoard implements ProcessBoard {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final UnifiedJedis redis;
  private final RedisKeys keys;
  private final Scripts scripts;

  RedisProcessBoard(UnifiedJedis redis, RedisKeys keys, Scripts scripts) {
    this.redis = redis;
    this.keys = keys;
    this.scripts = scripts;
  }

  @Override
  public void beat(Heartbeat beat) {
    ObjectNode o = JSON.createObjectNode();
    o.put("host", beat.host());
    o.put("pid", beat.pid());
    o.put("version", beat.version());
    o.put("workers", beat.workers());
    o.put("started", beat.started().toEpochMilli());
    if (beat.lastCycle() != null) {
      o.put("last_cycle", beat.lastCycle().toEpochMilli());
    }
    o.put("routes_per_second", beat.routesPerSecond());
    o.put("reported_at", beat.reportedAt().toEpochMilli());
    List<String> args =
        List.of(
            beat.process(),
            Long.toString(beat.reportedAt().toEpochMilli()),
            Long.toString(TTL.toMillis()),
            o.toString());
    RedisErrors.call(
        "writing this process's heartbeat",
        () -> scripts.heartbeat.run(redis, List.of(keys.processes()), args));
  }

  @Override
  public void leave(String process) {
    RedisErrors.call(
        "removing this process's heartbeat", () -> redis.hdel(keys.processes(), process));
  }

  @Override
  public List<Heartbeat> read(Instant now) {
    Map<String, String> fields =
        RedisErrors.call("reading process heartbeats", () -> redis.hgetAll(keys.processes()));
    long oldest = now.minus(TTL).toEpochMilli();
    List<Heartbeat> out = new ArrayList<>();
    fields.forEach(
        (process, value) -> {
          try {
            JsonNode o = JSON.readTree(value);
            long reported = o.path("reported_at").asLong(-1);
            if (reported < oldest) {
              return;
            }
            out.add(
                new Heartbeat(
                    process,
                    o.path("host").asText(""),
                    o.path("pid").asLong(),
                    o.path("version").asText(""),
                    o.path("workers").asInt(),
                    Instant.ofEpochMilli(o.path("started").asLong()),
                    o.hasNonNull("last_cycle")
                        ? Instant.ofEpochMilli(o.path("last_cycle").asLong())
                        : null,
                    o.path("routes_per_second").asDouble(),
                    Instant.ofEpochMilli(reported)));
          } catch (java.io.IOException e) {
            // a hand-edited heartbeat: left out
          }
        });
    out.sort(Comparator.comparing(Heartbeat::host).thenComparing(Heartbeat::process));
    return out;
  }
}
