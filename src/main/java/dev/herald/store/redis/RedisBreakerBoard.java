package dev.herald.store.redis;

import dev.herald.store.BreakerBoard;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;

/** {@link BreakerBoard} on a Redis hash in the namespace (breakers.lua has the format). */
final class RedisBreakerBoard implements BreakerBoard {

  private final UnifiedJedis redis;
  private final RedisKeys keys;
  private final Scripts scripts;

  RedisBreakerBoard(UnifiedJedis redis, RedisKeys keys, Scripts scripts) {
    this.redis = redis;
    this.keys = keys;
    this.scripts = scripts;
  }

  @Override
  public void report(String process, Instant now, List<StreamBreaker> open) {
    if (process.indexOf('|') >= 0) {
      throw new IllegalArgumentException("process must not contain '|': " + process);
    }
    List<String> args = new ArrayList<>();
    args.add(process);
    args.add(Long.toString(now.toEpochMilli()));
    args.add(Long.toString(FRESH.toMillis()));
    for (StreamBreaker b : open) {
      args.add(b.stream());
      args.add(Long.toString(b.since().toEpochMilli()));
      args.add(b.reason() == null ? "" : b.reason());
    }
    RedisErrors.call(
        "reporting stream breakers",
        () -> scripts.breakers.run(redis, List.of(keys.breakers()), args));
  }

  @Override
  public List<StreamBreaker> read(Instant now) {
    Map<String, String> fields =
        RedisErrors.call("reading stream breakers", () -> redis.hgetAll(keys.breakers()));
    long oldest = now.minus(FRESH).toEpochMilli();
    List<StreamBreaker> open = new ArrayList<>();
    fields.forEach(
        (field, value) -> {
          int bar = field.indexOf('|');
          String[] parts = value.split("\\|", 3);
          if (bar <= 0 || parts.length < 3) {
            return; // not a report this version writes
          }
          try {
            long since = Long.parseLong(parts[0]);
            long reported = Long.parseLong(parts[1]);
            if (reported >= oldest) {
              open.add(
                  new StreamBreaker(
                      field.substring(bar + 1),
                      field.substring(0, bar),
                      Instant.ofEpochMilli(since),
                      Instant.ofEpochMilli(reported),
                      parts[2]));
            }
          } catch (NumberFormatException e) {
            // a hand-edited report: left out
          }
        });
    open.sort(Comparator.comparing(StreamBreaker::stream).thenComparing(StreamBreaker::process));
    return open;
  }
}
