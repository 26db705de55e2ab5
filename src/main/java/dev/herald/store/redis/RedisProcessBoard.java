package dev.herald.store.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.store.ProcessBoard;
import dev.herald.store.StoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@link ProcessBoard} on a Redis hash in the namespace (heartbeat.lua has the format), and the
 * gate of the stored format: each heartbeat's reply feeds this process's {@link StoredFormat}.
 */
final class RedisProcessBoard implements ProcessBoard {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final UnifiedJedis redis;
  private final RedisKeys keys;
  private final Scripts scripts;
  private final StoredFormat format;

  RedisProcessBoard(UnifiedJedis redis, RedisKeys keys, Scripts scripts, StoredFormat format) {
    this.redis = redis;
    this.keys = keys;
    this.scripts = scripts;
    this.format = format;
  }

  @Override
  public int formatsRead() {
    return StoredFormat.READS;
  }

  @Override
  public int writeFormat() {
    return format.writing();
  }

  @Override
  public int storedFormat() {
    String value =
        RedisErrors.call("reading the stored format", () -> redis.get(keys.storedFormat()));
    try {
      return value == null ? StoredFormat.EARLIER : Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new StoreException(keys.storedFormat() + " holds '" + value + "', not a format");
    }
  }

  /**
   * Takes the store's decision as it stands, at connect: a process that keeps no heartbeat (every
   * CLI command that stores: {@code submit}, {@code dead-letters import}, {@code spool replay}, the
   * outbox relay) would otherwise write format 1 all its life. Safe without a heartbeat of its own
   * because {@code <ns>:format} is sticky and heartbeat.lua sets it to N only once every process
   * running reads N; this process reads it too, as the heartbeat's reply would say ({@link
   * StoredFormat#decided} caps it at what this version reads). For a daemon it is what its first
   * beat replies, a few milliseconds early. A value that is not a format is read as heartbeat.lua
   * reads it, as 1.
   */
  void takeStoredDecision() {
    String value =
        RedisErrors.call("reading the stored format", () -> redis.get(keys.storedFormat()));
    format.decided(StoredFormat.decision(value));
  }

  @Override
  public Beat beat(Heartbeat beat) {
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
    o.put("formats", beat.formats());
    List<String> args =
        List.of(
            beat.process(),
            Long.toString(beat.reportedAt().toEpochMilli()),
            Long.toString(TTL.toMillis()),
            o.toString());
    Object reply =
        RedisErrors.call(
            "writing this process's heartbeat",
            () ->
                scripts.heartbeat.run(redis, List.of(keys.processes(), keys.storedFormat()), args));
    List<?> values = Replies.list(reply, "heartbeat");
    if (values.size() < 2 || values.size() % 2 != 0) {
      throw new StoreException("heartbeat replied with " + values.size() + " values");
    }
    format.decided((int) Replies.number(values.get(1), "stored format"));
    Map<String, Integer> cannotRead = new LinkedHashMap<>();
    for (int i = 2; i < values.size(); i += 2) {
      cannotRead.put(
          Replies.text(values.get(i), "process"),
          (int) Replies.number(values.get(i + 1), "its formats"));
    }
    return new Beat(format.writing(), cannotRead);
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
                    Instant.ofEpochMilli(reported),
                    o.path("formats").asInt(StoredFormat.EARLIER)));
          } catch (java.io.IOException e) {
            // a hand-edited heartbeat: left out
          }
        });
    out.sort(Comparator.comparing(Heartbeat::host).thenComparing(Heartbeat::process));
    return out;
  }
}
