package dev.herald.store.redis;

import dev.herald.domain.CancelRequest;
import dev.herald.store.IntakeSnapshot;
import dev.herald.store.Intent;
import dev.herald.store.IntentDecision;
import dev.herald.store.IntentResult;
import dev.herald.store.IntentResult.Status;
import dev.herald.store.IntentStream;
import dev.herald.store.RejectedIntent;
import dev.herald.store.StoreException;
import dev.herald.store.redis.RedisRouteStore.RetentionPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingSummary;

/**
 * {@link IntentStream} on Redis: XREADGROUP and XAUTOCLAIM to read, intake.lua to settle a batch.
 * It has a connection of its own ({@code redis}), so that blocking reads never hold one of the
 * publisher's; its socket timeout exceeds the longest block.
 */
final class RedisIntentStream implements IntentStream {

  private final UnifiedJedis redis;
  private final RedisKeys keys;
  private final Scripts scripts;
  private final RetentionPolicy retention;
  private final RedisNotificationStore notifications;
  private final Names names;

  RedisIntentStream(
      UnifiedJedis redis,
      RedisKeys keys,
      Scripts scripts,
      RetentionPolicy retention,
      RedisNotificationStore notifications,
      Names names) {
    this.redis = redis;
    this.keys = keys;
    this.scripts = scripts;
    this.retention = retention;
    this.notifications = notifications;
    this.names = names;
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
    java.util.Set<String> seen = new java.util.HashSet<>();
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
  private <T> T withGroup(String what, java.util.function.Supplier<T> call) {
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
    List<String> args = new ArrayList<>(8 + decisions.size() * 10);
    args.add(keys.prefix());
    args.add(Long.toString(now.toEpochMilli()));
    args.add(Long.toString(idempotencyWindow.toMillis()));
    args.add(keys.wakeupChannel());
    args.add(names.group());
    args.add(Long.toString(names.rejectedMaxLength()));
    args.add(Long.toString(retention.published().toMillis()));
    for (IntentDecision d : decisions) {
      args.add(d.entryId());
      if (d instanceof IntentDecision.Accept a) {
        args.add("A");
        notifications.addAcceptItem(args, a.notification());
      } else if (d instanceof IntentDecision.Cancel c) {
        CancelRequest r = c.request();
        args.add("C");
        args.add(r.notificationId() == null ? "" : r.notificationId());
        args.add(
            r.notificationId() == null ? keys.idempotency(r.producer(), r.idempotencyKey()) : "");
        args.add(c.reasonIfUnknown());
      } else if (d instanceof IntentDecision.Reject r) {
        args.add("R");
        args.add(r.reason());
      } else {
        args.add("D");
      }
    }
    List<String> scriptKeys =
        List.of(
            keys.schedule(),
            keys.stats(),
            keys.deadLetters(),
            keys.retention(),
            names.stream(),
            names.rejectedStream(),
            keys.typeFigures());
    Object reply =
        RedisErrors.call(
            "settling " + decisions.size() + " intent(s) of " + names.stream(),
            () -> scripts.intake.run(redis, scriptKeys, args));
    return parseSettle(decisions, Replies.list(reply, "intake"));
  }

  private static List<IntentResult> parseSettle(List<IntentDecision> decisions, List<?> values) {
    if (values.size() != decisions.size() * 2) {
      throw new StoreException(
          "intake replied with " + values.size() + " values for " + decisions.size() + " entries");
    }
    List<IntentResult> results = new ArrayList<>(decisions.size());
    for (int i = 0; i < decisions.size(); i++) {
      String entryId = decisions.get(i).entryId();
      String status = Replies.text(values.get(2 * i), "intake status");
      String detail = Replies.text(values.get(2 * i + 1), "intake detail");
      results.add(
          switch (status) {
            case "accepted" -> new IntentResult(entryId, Status.ACCEPTED, detail);
            case "duplicate" -> new IntentResult(entryId, Status.DUPLICATE, detail);
            case "cancelled" -> CancelReplies.ofIntake(entryId, detail);
            case "rejected" ->
                new IntentResult(entryId, Status.REJECTED, null, detail.isEmpty() ? null : detail);
            case "dropped" -> new IntentResult(entryId, Status.DROPPED, null);
            case "settled" -> new IntentResult(entryId, Status.ALREADY_SETTLED, null);
            default -> throw new StoreException("intake replied with unknown status " + status);
          });
    }
    return results;
  }

  @Override
  public List<RejectedIntent> rejected(String before, int limit) {
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

  @Override
  public IntakeSnapshot snapshot() {
    return RedisErrors.call("reading intake figures", this::readSnapshot);
  }

  private IntakeSnapshot readSnapshot() {
    Response<Long> length;
    Response<StreamPendingSummary> pending;
    Response<Long> rejectedLength;
    Response<String> rejectedTotal;
    try (AbstractPipeline pipe = redis.pipelined()) {
      length = pipe.xlen(names.stream());
      pending = pipe.xpending(names.stream(), names.group());
      rejectedLength = pipe.xlen(names.rejectedStream());
      rejectedTotal = pipe.hget(keys.stats(), "intents_rejected");
      pipe.sync();
    }
    StreamPendingSummary summary = null;
    try {
      summary = pending.get();
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
