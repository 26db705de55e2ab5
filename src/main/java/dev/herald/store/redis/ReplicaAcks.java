package dev.herald.store.redis;

import dev.herald.config.DurabilitySettings;
import dev.herald.config.Durations;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * {@code WAIT replicas timeout} after a state-changing script, on the same connection and in the
 * same round trip (a pipeline of the {@code EVALSHA} and the {@code WAIT}): WAIT waits for the
 * writes of its own connection only. On a Redis Cluster the pipeline sends each command to the
 * master of its key's slot, one connection per master, in order: the WAIT is routed by the script's
 * first key, so it follows the script to its shard's master. The pipeline does not follow
 * redirections: a {@code MOVED} or {@code ASK} (the script did not run) makes the cluster client
 * learn the slot's master by a read of that key and the pair is sent again. A batch fewer replicas
 * acknowledged in time is not undone (it is on the primary, and the caller was told); it is counted
 * here and in the store's {@code replica_unacknowledged_batches} (for {@code herald stats}), and
 * logged, at most every 10 s.
 */
final class ReplicaAcks {

  private static final Logger LOG = LoggerFactory.getLogger(ReplicaAcks.class);

  /** The store counter {@code herald stats} shows among its totals. */
  static final String STATS_FIELD = "replica_unacknowledged_batches";

  private static final long LOG_EVERY_NANOS = 10_000_000_000L;

  private final DurabilitySettings durability;
  private final String statsKey;
  private final AtomicLong unacknowledged = new AtomicLong();
  private final AtomicLong suppressed = new AtomicLong();
  private volatile long lastLog = System.nanoTime() - LOG_EVERY_NANOS;

  ReplicaAcks(DurabilitySettings durability, String statsKey) {
    this.durability = durability;
    this.statsKey = statsKey;
  }

  /** No WAIT at all: Redis's asynchronous replication alone. */
  static ReplicaAcks none() {
    return new ReplicaAcks(DurabilitySettings.defaults(), null);
  }

  boolean waits() {
    return durability.waits();
  }

  long unacknowledged() {
    return unacknowledged.get();
  }

  /** Runs {@code script} and WAITs for the replicas, reloading it once on {@code NOSCRIPT}. */
  Object runBinary(UnifiedJedis redis, LuaScript script, List<byte[]> keys, List<byte[]> args) {
    return run(
        redis,
        script,
        new String(keys.get(0), StandardCharsets.UTF_8),
        pipe -> pipe.evalsha(script.shaBytes(), keys, args));
  }

  /** As {@link #runBinary}, with text arguments and replies. */
  Object run(UnifiedJedis redis, LuaScript script, List<String> keys, List<String> args) {
    return run(redis, script, keys.get(0), pipe -> pipe.evalsha(script.sha(), keys, args));
  }

  private Object run(
      UnifiedJedis redis,
      LuaScript script,
      String sampleKey,
      Function<AbstractPipeline, Response<Object>> eval) {
    // The key that routes the WAIT: on a cluster to the master the script ran on; one Redis
    // ignores it.
    byte[] sample = ScriptArgs.utf8(sampleKey);
    int redirected = 0;
    boolean reloaded = false;
    while (true) {
      Response<Object> reply;
      Response<Long> acked;
      try (AbstractPipeline pipe = redis.pipelined()) {
        reply = eval.apply(pipe);
        acked =
            pipe.waitReplicas(
                sample, durability.replicas(), durability.replicaTimeout().toMillis());
        pipe.sync();
      }
      Object result;
      try {
        result = reply.get();
      } catch (JedisRedirectionException e) {
        if (++redirected >= RedisClients.CLUSTER_ATTEMPTS) {
          throw new JedisClusterOperationException(
              "the slot of " + sampleKey + " kept moving: " + e.getMessage(), e);
        }
        redis.type(sampleKey); // follows the redirection and renews the client's slot map
        continue;
      } catch (JedisNoScriptException e) {
        if (reloaded) {
          throw e;
        }
        script.load(redis, sampleKey);
        reloaded = true;
        continue;
      }
      // The script's reply stands whatever WAIT answered: its writes are on the primary. (A
      // script that failed part-way raised above, and Redis refused or rolled nothing back that
      // a WAIT could change; a server that is a replica now refuses both.)
      if (script.wroteAcknowledged(result)) {
        check(redis, script, acked);
      }
      return result;
    }
  }

  /** Counts and logs a batch fewer replicas acknowledged than asked, or whose WAIT failed. */
  private void check(UnifiedJedis redis, LuaScript script, Response<Long> acked) {
    long replicas;
    String why = "";
    try {
      replicas = acked.get();
    } catch (JedisDataException e) {
      replicas = 0;
      why = " (WAIT failed: " + e.getMessage() + ")";
    }
    if (replicas >= durability.replicas()) {
      return;
    }
    long count = unacknowledged.incrementAndGet();
    try {
      redis.hincrBy(statsKey, STATS_FIELD, 1);
    } catch (RuntimeException e) {
      // The figure for herald stats is a courtesy; the metric and the log line still count it.
    }
    long now = System.nanoTime();
    if (now - lastLog < LOG_EVERY_NANOS) {
      suppressed.incrementAndGet();
      return;
    }
    lastLog = now;
    LOG.warn(
        "a {} batch was acknowledged by {} of {} replica(s) within durability.replica-timeout {}{}:"
            + " a failover before they catch up can lose it ({} such batch(es) in this process; {}"
            + " more since the last such line)",
        script.name(),
        replicas,
        durability.replicas(),
        Durations.format(durability.replicaTimeout()),
        why,
        count,
        suppressed.getAndSet(0));
  }
}
