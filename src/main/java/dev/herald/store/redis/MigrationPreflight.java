package dev.herald.store.redis;

import dev.herald.store.ProcessBoard.Heartbeat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * What must not be running while a store moves: a Herald process on either side (its heartbeat), a
 * live lease in the source (a process stopped seconds ago, or one on another config), intents not
 * settled in the source's intents stream (the sharded layout reads none yet).
 */
final class MigrationPreflight {

  private static final int PAGE = 2000;

  private final UnifiedJedis source;
  private final RedisKeys sourceKeys;
  private final UnifiedJedis target;
  private final RedisKeys targetFirst;
  private final String intents;

  MigrationPreflight(
      UnifiedJedis source,
      RedisKeys sourceKeys,
      UnifiedJedis target,
      RedisKeys targetFirst,
      String intents) {
    this.source = source;
    this.sourceKeys = sourceKeys;
    this.target = target;
    this.targetFirst = targetFirst;
    this.intents = intents;
  }

  List<String> problems(Instant now) {
    List<String> out = new ArrayList<>();
    running("source", new RedisProcessBoard(source, sourceKeys, null, null).read(now), out);
    running("target", new RedisProcessBoard(target, targetFirst, null, null).read(now), out);
    long leased = liveLeases(now);
    if (leased > 0) {
      out.add(
          leased
              + " route group(s) in the source are leased: a Herald process works on them, or did"
              + " until a moment ago; stop every herald run on the source and wait for"
              + " publisher.lease to pass");
    }
    if (intents != null) {
      long waiting = RedisErrors.call("reading " + intents, () -> source.xlen(intents));
      if (waiting > 0) {
        out.add(
            waiting
                + " intent(s) in "
                + intents
                + " are not settled yet, and the sharded layout reads no intents stream: stop the"
                + " producers writing it and let herald run on the source config settle them first");
      }
    }
    return out;
  }

  private static void running(String side, List<Heartbeat> beats, List<String> out) {
    for (Heartbeat b : beats) {
      out.add(
          "a Herald process runs against the "
              + side
              + ": "
              + b.process()
              + " (host "
              + b.host()
              + ", pid "
              + b.pid()
              + ", version "
              + b.version()
              + "); stop it first (its heartbeat is in "
              + (side.equals("source") ? "the source's" : "the target's")
              + " processes hash, ignored 15s after it stops)");
    }
  }

  /**
   * Groups whose lease is live. A leased group's schedule score is its lease end (or an earlier due
   * time of its rest), so only entries scored after {@code now} can hold one: the rest of the
   * schedule is not read.
   */
  private long liveLeases(Instant now) {
    long live = 0;
    long offset = 0;
    String schedule = sourceKeys.schedule();
    String min = "(" + now.toEpochMilli();
    while (true) {
      long at = offset;
      List<String> members =
          RedisErrors.call(
              "reading the source's schedule",
              () -> source.zrangeByScore(schedule, min, "+inf", (int) at, PAGE));
      if (members.isEmpty()) {
        return live;
      }
      Map<String, Response<String>> leases = new HashMap<>();
      MigrationPipes.run(
          source,
          "reading the leases of " + members.size() + " route groups",
          p -> {
            for (String member : members) {
              int colon = member.lastIndexOf(':');
              int dash = member.indexOf('-', colon + 1);
              if (colon > 0 && dash > colon) {
                String id = member.substring(0, colon);
                String first = member.substring(colon + 1, dash);
                leases.put(member, p.hget(sourceKeys.routes(id), "L" + first));
              }
            }
          });
      for (Response<String> r : leases.values()) {
        RouteStateCodec.Lease lease = RouteStateCodec.parseLease(r.get());
        if (lease != null && lease.until().isAfter(now)) {
          live++;
        }
      }
      offset += members.size();
    }
  }
}
