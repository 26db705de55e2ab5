package dev.herald.store.redis;

import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * Herald's Lua scripts, read from the resources once and loaded into Redis at start. The scripts
 * whose effect a caller is told of (accept: an id printed; complete: routes published; intake:
 * intents acknowledged; cancel: routes cancelled) wait for the replicas {@code durability} asks for
 * after each run. The others do not: a claim lost in a failover costs only its lease (the new
 * primary never saw it, so its routes are claimed again there and the old holder's completion is
 * refused; a claim that may publish inline waits as a completion does); a retire, breaker report,
 * heartbeat, requeue or purge lost is done again.
 */
final class Scripts {

  final LuaScript accept;
  final LuaScript claim = LuaScript.fromResource("claim");

  /** The claim when it may publish inline: followed by the WAIT of a completion. */
  final LuaScript claimPublishing;

  final LuaScript complete;
  final LuaScript retire = LuaScript.fromResource("retire");
  final LuaScript cancel;
  final LuaScript intake;
  final LuaScript deadPage = LuaScript.fromResource("dead_page");
  final LuaScript requeue = LuaScript.fromResource("requeue");
  final LuaScript purge = LuaScript.fromResource("purge");
  final LuaScript breakers = LuaScript.fromResource("breakers");
  final LuaScript streamAccess = LuaScript.fromResource("stream_access");
  final LuaScript importDead = LuaScript.fromResource("import_dead");
  final LuaScript heartbeat = LuaScript.fromResource("heartbeat");
  final LuaScript rateTokens = LuaScript.fromResource("rate_tokens");

  Scripts(ReplicaAcks acks) {
    accept = LuaScript.fromResource("accept").acknowledgedBy(acks);
    complete = LuaScript.fromResource("complete").acknowledgedBy(acks);
    claimPublishing = claim.acknowledgedBy(acks, ClaimCall::publishedAny);
    cancel = LuaScript.fromResource("cancel").acknowledgedBy(acks);
    intake = LuaScript.fromResource("intake").acknowledgedBy(acks);
  }

  List<LuaScript> all() {
    return List.of(
        accept,
        claim,
        complete,
        retire,
        cancel,
        intake,
        deadPage,
        requeue,
        purge,
        breakers,
        streamAccess,
        importDead,
        heartbeat,
        rateTokens);
  }

  /**
   * Loads every script into each server that holds one of {@code sampleKeys} (one key per shard),
   * so that a script Redis rejects fails at start.
   */
  void loadAll(UnifiedJedis redis, List<String> sampleKeys) {
    for (LuaScript script : all()) {
      sampleKeys.forEach(key -> script.load(redis, key));
    }
  }
}
