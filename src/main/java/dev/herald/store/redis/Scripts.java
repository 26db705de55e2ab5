package dev.herald.store.redis;

import redis.clients.jedis.UnifiedJedis;

/**
 * Herald's Lua scripts, read from the resources once and loaded into Redis at start. The scripts
 * whose effect a caller is told of (accept: an id printed; complete: routes published; intake:
 * intents acknowledged; cancel: routes cancelled) wait for the replicas {@code durability} asks for
 * after each run. The others do not: a claim lost in a failover costs only its lease (the new
 * primary never saw it, so its routes are claimed again there and the old holder's completion is
 * refused); a retire, breaker report, requeue or purge lost is done again.
 */
final class Scripts {

  final LuaScript accept;
  final LuaScript claim = LuaScript.fromResource("claim");
  final LuaScript complete;
  final LuaScript retire = LuaScript.fromResource("retire");
  final LuaScript cancel;
  final LuaScript intake;
  final LuaScript deadPage = LuaScript.fromResource("dead_page");
  final LuaScript requeue = LuaScript.fromResource("requeue");
  final LuaScript purge = LuaScript.fromResource("purge");
  final LuaScript breakers = LuaScript.fromResource("breakers");
  final LuaScript streamAccess = LuaScript.fromResource("stream_access");

  Scripts(ReplicaAcks acks) {
    accept = LuaScript.fromResource("accept").acknowledgedBy(acks);
    complete = LuaScript.fromResource("complete").acknowledgedBy(acks);
    cancel = LuaScript.fromResource("cancel").acknowledgedBy(acks);
    intake = LuaScript.fromResource("intake").acknowledgedBy(acks);
  }

  /** Loads every script, so that a script Redis rejects fails at start. */
  void loadAll(UnifiedJedis redis) {
    for (LuaScript script :
        new LuaScript[] {
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
          streamAccess
        }) {
      script.load(redis);
    }
  }
}
