package dev.herald.store.redis;

import dev.herald.store.IntakeSnapshot;
import dev.herald.store.IntentStream.Names;
import dev.herald.store.RejectedIntent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisRedirectionException;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingSummary;

/**
 * What the CLI and the ops endpoints read of the intake: the newest rejected intents, and the
 * figures of the intents stream and its group.
 */
final class RedisIntakeFigures {

  private final UnifiedJedis redis;
  private final RedisKeys keys;
  private final Names names;

  RedisIntakeFigures(UnifiedJedis redis, RedisKeys keys, Names names) {
    this.redis = redis;
    this.keys = keys;
    this.names = names;
  }

  /** The newest {@code limit} rejections, before the entry id {@code before} (null: the newest). */
  List<RejectedIntent> rejected(String before, int limit) {
    String end = before == null ? "+" : "(" + before; // exclusive: Redis >= 6.2
    List<StreamEntry> entries =
        RedisErrors.call(
            "reading " + names.rejectedStream(),
            () -> redis.xrevrange(names.rejectedStream(), end, "-", limit));
    List<RejectedIntent> out = new ArrayList<>(entries.size());
    for (StreamEntry e : entries) {
      Map<String, String> fields = new LinkedHashMap<>(e.getFields());
      String reason = fields.remove("reason");
      String source = fields.remove("source_id");
      out.add(
          new RejectedIntent(
              e.getID().toString(),
              Instant.ofEpochMilli(e.getID().getTime()),
              source,
              reason,
              fields));
    }
    return out;
  }

  IntakeSnapshot snapshot() {
    return RedisErrors.call("reading intake figures", this::readSnapshot);
  }

  private IntakeSnapshot readSnapshot() {
    return FollowingPipeline.read(
        redis,
        List.of(names.stream(), names.rejectedStream(), keys.stats()),
        pipe -> {
          Response<Long> length = pipe.xlen(names.stream());
          Response<StreamPendingSummary> pending = pipe.xpending(names.stream(), names.group());
          Response<Long> rejectedLength = pipe.xlen(names.rejectedStream());
          Response<String> rejectedTotal = pipe.hget(keys.stats(), "intents_rejected");
          return () -> snapshot(length, pending, rejectedLength, rejectedTotal);
        });
  }

  private IntakeSnapshot snapshot(
      Response<Long> length,
      Response<StreamPendingSummary> pending,
      Response<Long> rejectedLength,
      Response<String> rejectedTotal) {
    StreamPendingSummary summary = null;
    try {
      summary = pending.get();
    } catch (JedisRedirectionException moved) {
      throw moved;
    } catch (JedisDataException noGroup) {
      // NOGROUP (no herald run yet) or not a stream: nothing pending.
    }
    Map<String, Long> byConsumer = new LinkedHashMap<>();
    if (summary != null && summary.getConsumerMessageCount() != null) {
      byConsumer.putAll(summary.getConsumerMessageCount());
    }
    String total = rejectedTotal.get();
    return new IntakeSnapshot(
        names.stream(),
        RedisStatsStore.lengthOrMinusOne(length),
        summary != null,
        summary == null ? 0 : summary.getTotal(),
        byConsumer,
        RedisStatsStore.lengthOrMinusOne(rejectedLength),
        total == null ? 0 : parseOrZero(total));
  }

  private static long parseOrZero(String number) {
    try {
      return Long.parseLong(number);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
