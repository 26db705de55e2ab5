package dev.herald.store.redis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.Tuple;

/**
 * One round trip of a migration: the commands queued in one pipeline (on a cluster, one per node
 * the keys are on), every variable-length write cut into slices, and every write's reply checked
 * before the caller goes on, so that no source is deleted after a target write Redis refused.
 */
final class MigrationPipes {

  /** Most field-value pairs or members in one write. */
  static final int SLICE = 500;

  private final AbstractPipeline p;
  private final List<Response<?>> writes = new ArrayList<>();
  private final List<Response<?>> reads = new ArrayList<>();

  private MigrationPipes(AbstractPipeline p) {
    this.p = p;
  }

  /**
   * Runs the commands {@code fill} queues in one pipeline and waits for every reply; a write Redis
   * refused throws, translated ({@link RedisErrors}), after the rest ran.
   */
  static void run(UnifiedJedis redis, String what, Consumer<MigrationPipes> fill) {
    RedisErrors.call(
        what,
        () -> {
          MigrationPipes pipes;
          try (AbstractPipeline p = redis.pipelined()) {
            pipes = new MigrationPipes(p);
            fill.accept(pipes);
            p.sync();
          }
          pipes.reads.forEach(Response::get);
          pipes.writes.forEach(Response::get);
          return null;
        });
  }

  // Reads: their replies are there once run returns (a refused one threw in it).

  Response<String> get(String key) {
    return read(p.get(key));
  }

  Response<String> type(String key) {
    return read(p.type(key));
  }

  Response<Long> pttl(String key) {
    return read(p.pttl(key));
  }

  Response<String> hget(String key, String field) {
    return read(p.hget(key, field));
  }

  Response<Map<String, String>> hgetAll(String key) {
    return read(p.hgetAll(key));
  }

  Response<List<Tuple>> zrangeWithScores(String key) {
    return read(p.zrangeWithScores(key, 0, -1));
  }

  private <T> Response<T> read(Response<T> reply) {
    reads.add(reply);
    return reply;
  }

  void set(String key, String value) {
    writes.add(p.set(key, value));
  }

  /** {@code SET key value PX ms}, or without an expiry when {@code ttlMs} is negative (none). */
  void set(String key, String value, long ttlMs) {
    writes.add(
        ttlMs < 0
            ? p.set(key, value)
            : p.set(key, value, SetParams.setParams().px(Math.max(1, ttlMs))));
  }

  void hset(String key, Map<String, String> fields) {
    for (Map<String, String> slice : slices(fields)) {
      writes.add(p.hset(key, slice));
    }
  }

  void hsetnx(String key, String field, String value) {
    writes.add(p.hsetnx(key, field, value));
  }

  void zadd(String key, Map<String, Double> entries) {
    for (Map<String, Double> slice : slices(entries)) {
      writes.add(p.zadd(key, slice));
    }
  }

  void zrem(String key, List<String> members) {
    for (int i = 0; i < members.size(); i += SLICE) {
      writes.add(
          p.zrem(
              key, members.subList(i, Math.min(members.size(), i + SLICE)).toArray(String[]::new)));
    }
  }

  void hdel(String key, List<String> fields) {
    for (int i = 0; i < fields.size(); i += SLICE) {
      writes.add(
          p.hdel(
              key, fields.subList(i, Math.min(fields.size(), i + SLICE)).toArray(String[]::new)));
    }
  }

  /** {@code PEXPIRE key ms}; none when {@code ttlMs} is negative (the key has no expiry). */
  void pexpire(String key, long ttlMs) {
    if (ttlMs >= 0) {
      writes.add(p.pexpire(key, Math.max(1, ttlMs)));
    }
  }

  void unlink(String key) {
    writes.add(p.unlink(key));
  }

  /**
   * {@code UNLINK} of many keys, in slices: for one server only (the source), where the keys of a
   * slice need not share a slot, and each slice goes at once.
   */
  void unlinkAll(List<String> keys) {
    for (int i = 0; i < keys.size(); i += SLICE) {
      writes.add(
          p.unlink(keys.subList(i, Math.min(keys.size(), i + SLICE)).toArray(String[]::new)));
    }
  }

  static <V> List<Map<String, V>> slices(Map<String, V> all) {
    List<Map<String, V>> out = new ArrayList<>();
    Map<String, V> slice = new LinkedHashMap<>();
    for (Map.Entry<String, V> e : all.entrySet()) {
      slice.put(e.getKey(), e.getValue());
      if (slice.size() == SLICE) {
        out.add(slice);
        slice = new LinkedHashMap<>();
      }
    }
    if (!slice.isEmpty()) {
      out.add(slice);
    }
    return out;
  }

  /** Groups {@code items} by {@code key}, keeping their order. */
  static <T, K> Map<K, List<T>> grouped(List<T> items, Function<T, K> key) {
    Map<K, List<T>> out = new LinkedHashMap<>();
    items.forEach(i -> out.computeIfAbsent(key.apply(i), k -> new ArrayList<>()).add(i));
    return out;
  }
}
