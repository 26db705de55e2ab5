package dev.herald.store.redis;

import dev.herald.store.IntakeSnapshot;
import dev.herald.store.Intent;
import dev.herald.store.IntentDecision;
import dev.herald.store.IntentResult;
import dev.herald.store.IntentStream;
import dev.herald.store.RejectedIntent;
import dev.herald.store.StoreException;
import dev.herald.store.redis.RedisRouteStore.RetentionPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * {@link IntentStream} on Redis: XREADGROUP and XAUTOCLAIM to read, intake.lua to settle a batch.
 * It has a connection of its own ({@code redis}), so that blocking reads never hold one of the
 * publisher's; its socket timeout exceeds the longest block.
 */
final class RedisIntentStream implements IntentStream {

  private final UnifiedJedis redis;
  private final Scripts scripts;
  private final Names names;
  private final IntakeCall settling;
  private final RedisIntakeFigures figures;
  private final Shard shard;

  /**
   * @param shard where this stream is among the shards' (null: the one stream of one Redis)
   */
  RedisIntentStream(
      UnifiedJedis redis,
      RedisKeys keys,
      Scripts scripts,
      RetentionPolicy retention,
      AcceptCall accepts,
      Names names,
      Shard shard) {
    this.redis = redis;
    this.shard = shard;
    this.scripts = scripts;
    this.names = names;
    this.settling = new IntakeCall(keys, names, accepts, retention.published());
    this.figures = new RedisIntakeFigures(redis, keys, names);
  }

  @Override
  public Shard shard() {
    return shard;
  }

  @Override
  public void createGroup() {
    RedisErrors.call(
        "creating consumer group " + names.group() + " of " + names.stream(),
        () -> {
          try {
            return redis.xgroupCreate(names.stream(), names.group(), new StreamEntryID(0, 0), true);
          } catch (JedisDataException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("BUSYGROUP")) {
              return "exists";
            }
            throw e;
          }
        });
  }

  @Override
  public List<Intent> read(String consumer, int max, Duration block) {
    XReadGroupParams params = XReadGroupParams.xReadGroupParams().count(max);
    if (!block.isZero()) {
      params.block((int) Math.max(1, block.toMillis()));
    }
    List<Map.Entry<String, List<StreamEntry>>> reply =
        withGroup(
            "reading intents from " + names.stream(),
            () ->
                redis.xreadGroup(
                    names.group(),
                    consumer,
                    params,
                    Map.of(names.stream(), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY)));
    List<Intent> intents = new ArrayList<>();
    if (reply != null) {
      for (Map.Entry<String, List<StreamEntry>> perStream : reply) {
        perStream.getValue().forEach(e -> intents.add(intent(e)));
      }
    }
    return intents;
  }

  @Override
  public List<Intent> readPending(String consumer, int max) {
    List<Map.Entry<String, List<StreamEntry>>> reply =
        withGroup(
            "reading the intents pending with " + consumer + " in " + names.stream(),
            () ->
                redis.xreadGroup(
                    names.group(),
                    consumer,
                    XReadGroupParams.xReadGroupParams().count(max),
                    Map.of(names.stream(), new StreamEntryID(0, 0))));
    List<Intent> intents = new ArrayList<>();
    if (reply != null) {
      for (Map.Entry<String, List<StreamEntry>> perStream : reply) {
        for (StreamEntry e : perStream.getValue()) {
          // An entry deleted while pending comes back with its id and no fields.
          intents.add(new Intent(e.getID().toString(), e.getFields()));
        }
      }
    }
    return intents;
  }

  @Override
  public ClaimedIntents claimIdle(String consumer, Duration minIdle, int max, String cursor) {
    Map.Entry<StreamEntryID, List<StreamEntry>> reply =
        withGroup(
            "taking over idle intents of " + names.stream(),
            () ->
                redis.xautoclaim(
                    names.stream(),
                    names.group(),
                    consumer,
                    minIdle.toMillis(),
                    new StreamEntryID(cursor),
                    XAutoClaimParams.xAutoClaimParams().count(max)));
    if (reply == null) {
      return new ClaimedIntents(List.of(), START);
    }
    List<Intent> intents = new ArrayList<>();
    boolean deletedAmong = false;
    for (StreamEntry e : reply.getValue()) {
      if (e == null || e.getFields() == null) {
        deletedAmong = true;
      } else {
        intents.add(intent(e));
      }
    }
    if (deletedAmong) {
      intents.addAll(deletedPending(consumer, intents, max));
    }
    return new ClaimedIntents(intents, reply.getKey().toString());
  }

  /**
   * Redis 6.2 answers XAUTOCLAIM with a nil, without its id, for an entry deleted from the stream
   * while pending, and keeps it pending (7.0 drops it from the pending list itself). Finds such
   * entries among ours, so that they are acknowledged: pending with this consumer, not among those
   * just claimed, and absent from the stream.
   */
  private List<Intent> deletedPending(String consumer, List<Intent> claimed, int max) {
    Set<String> seen = new HashSet<>();
    claimed.forEach(i -> seen.add(i.entryId()));
    List<Intent> deleted = new ArrayList<>();
    RedisErrors.call(
        "looking for deleted intents pending with " + consumer,
        () -> {
          for (var p :
              redis.xpending(
                  names.stream(),
                  names.group(),
                  XPendingParams.xPendingParams("-", "+", max).consumer(consumer))) {
            String id = p.getID().toString();
            if (!seen.contains(id) && redis.xrange(names.stream(), id, id, 1).isEmpty()) {
              deleted.add(new Intent(id, null));
            }
          }
          return null;
        });
    return deleted;
  }

  /**
   * Runs a read of the group; when the stream or the group was deleted under us (NOGROUP), makes
   * them again and returns null: there is nothing to read in a new group yet.
   */
  private <T> T withGroup(String what, Supplier<T> call) {
    try {
      return RedisErrors.call(what, call);
    } catch (StoreException e) {
      if (e.getMessage() != null && e.getMessage().contains("NOGROUP")) {
        createGroup();
        return null;
      }
      throw e;
    }
  }

  private static Intent intent(StreamEntry e) {
    return new Intent(e.getID().toString(), e.getFields());
  }

  @Override
  public List<IntentResult> settle(
      List<IntentDecision> decisions, Instant now, Duration idempotencyWindow) {
    if (decisions.isEmpty()) {
      return List.of();
    }
    List<String> args = settling.args(decisions, now, idempotencyWindow);
    Object reply =
        RedisErrors.call(
            "settling " + decisions.size() + " intent(s) of " + names.stream(),
            () -> scripts.intake.run(redis, settling.keys(), args));
    return IntakeCall.parse(decisions, reply);
  }

  @Override
  public List<RejectedIntent> rejected(String before, int limit) {
    return figures.rejected(before, limit);
  }

  @Override
  public IntakeSnapshot snapshot() {
    return figures.snapshot();
  }
}
