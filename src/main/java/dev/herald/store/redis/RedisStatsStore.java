package dev.herald.store.redis;

import dev.herald.store.RouteFigures;
import dev.herald.store.StatsStore;
import dev.herald.store.StoreSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisRedirectionException;
import redis.clients.jedis.resps.Tuple;

/** {@link StatsStore} on Redis: one pipelined round trip of O(1) and O(log n) commands. */
final class RedisStatsStore implements StatsStore {

  private final UnifiedJedis redis;
  private final RedisKeys keys;

  RedisStatsStore(UnifiedJedis redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  @Override
  public StoreSnapshot snapshot(Instant now, Collection<String> streams) {
    return RedisErrors.call("reading store figures", () -> read(now, streams));
  }

  private StoreSnapshot read(Instant now, Collection<String> streams) {
    return FollowingPipeline.read(
        redis,
        List.of(keys.schedule()),
        pipe -> {
          Response<Long> scheduled = pipe.zcard(keys.schedule());
          Response<Long> due =
              pipe.zcount(keys.schedule(), "-inf", Long.toString(now.toEpochMilli()));
          Response<List<Tuple>> head = pipe.zrangeWithScores(keys.schedule(), 0, 0);
          Response<Long> dead = pipe.zcard(keys.deadLetters());
          Response<Map<String, String>> counters = pipe.hgetAll(keys.stats());
          Response<Map<String, String>> figures = pipe.hgetAll(keys.typeFigures());
          Map<String, Response<Long>> lengths = new LinkedHashMap<>();
          for (String stream : streams) {
            lengths.put(stream, pipe.xlen(keys.stream(stream)));
          }
          return () -> {
            Map<String, Long> streamLengths = new LinkedHashMap<>();
            lengths.forEach(
                (stream, length) -> streamLengths.put(stream, lengthOrMinusOne(length)));
            List<Tuple> first = head.get();
            Optional<Instant> oldest =
                first.isEmpty()
                    ? Optional.empty()
                    : Optional.of(Instant.ofEpochMilli((long) first.get(0).getScore()));
            return new StoreSnapshot(
                scheduled.get(),
                due.get(),
                oldest,
                dead.get(),
                streamLengths,
                numbers(counters.get()),
                figures(figures.get()));
          };
        });
  }

  private static Map<String, Long> numbers(Map<String, String> counters) {
    Map<String, Long> numbers = new LinkedHashMap<>();
    counters.forEach(
        (name, value) -> {
          try {
            numbers.put(name, Long.parseLong(value));
          } catch (NumberFormatException e) {
            // A hand-edited counter: leave it out rather than fail the whole snapshot.
          }
        });
    return numbers;
  }

  @Override
  public SchedulePage upcoming(ScheduleCursor cursor, int limit) {
    List<Tuple> entries =
        RedisErrors.call(
            "reading the schedule",
            () ->
                redis.zrangeByScoreWithScores(
                    keys.schedule(),
                    Long.toString(cursor.from().toEpochMilli()),
                    "+inf",
                    cursor.skip(),
                    limit));
    List<ScheduledGroup> groups = new ArrayList<>(entries.size());
    for (Tuple t : entries) {
      // "<id>:<first>-<last>" (lib/states.lua); an unreadable one is left for the claim to set
      // aside
      String member = t.getElement();
      int colon = member.lastIndexOf(':');
      int dash = member.lastIndexOf('-');
      try {
        groups.add(
            new ScheduledGroup(
                member.substring(0, colon),
                Integer.parseInt(member.substring(colon + 1, dash)),
                Integer.parseInt(member.substring(dash + 1)),
                Instant.ofEpochMilli((long) t.getScore())));
      } catch (RuntimeException e) {
        // not a member this version writes
      }
    }
    if (entries.size() < limit) {
      return new SchedulePage(groups, Optional.empty());
    }
    long last = (long) entries.get(entries.size() - 1).getScore();
    int atLast = 0;
    for (Tuple t : entries) {
      atLast += (long) t.getScore() == last ? 1 : 0;
    }
    int skip = last == cursor.from().toEpochMilli() ? cursor.skip() + atLast : atLast;
    return new SchedulePage(
        groups, Optional.of(new ScheduleCursor(Instant.ofEpochMilli(last), skip)));
  }

  @Override
  public RouteFigures routeFigures() {
    return figures(
        RedisErrors.call("reading route figures", () -> redis.hgetAll(keys.typeFigures())));
  }

  private static RouteFigures figures(Map<String, String> fields) {
    Map<String, Map<String, Long>> byType = new HashMap<>();
    fields.forEach(
        (field, value) -> {
          int colon = field.indexOf(':');
          if (colon > 0) {
            try {
              byType
                  .computeIfAbsent(field.substring(colon + 1), t -> new HashMap<>())
                  .merge(field.substring(0, colon), Long.parseLong(value), Long::sum);
            } catch (NumberFormatException e) {
              // A hand-edited figure: leave it out rather than fail the whole read.
            }
          }
        });
    return new RouteFigures(byType);
  }

  /** A pipelined XLEN's reply, or -1 when the key is not a stream. */
  /** A stream's length; -1 when the key is not a stream (a redirection is no answer: thrown). */
  static long lengthOrMinusOne(Response<Long> length) {
    try {
      return length.get();
    } catch (JedisRedirectionException moved) {
      throw moved;
    } catch (JedisDataException wrongType) {
      return -1;
    }
  }
}
