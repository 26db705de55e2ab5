package dev.herald.store.redis;

import redis.clients.jedis.UnifiedJedis;

/** Herald's Lua scripts, read from the resources once and loaded into Redis at start. */
final class Scripts {

  final LuaScript accept = LuaScript.fromResource("accept");
  final LuaScript claim = LuaScript.fromResource("claim");
  final LuaScript complete = LuaScript.fromResource("complete");
  final LuaScript retire = LuaScript.fromResource("retire");
  final LuaScript cancel = LuaScript.fromResource("cancel");
  final LuaScript intake = LuaScript.fromResource("intake");
  final LuaScript deadPage = LuaScript.fromResource("dead_page");
  final LuaScript requeue = LuaScript.fromResource("requeue");
  final LuaScript purge = LuaScript.fromResource("purge");
  final LuaScript breakers = LuaScript.fromResource("breakers");
  final LuaScript streamAccess = LuaScript.fromResource("stream_access");
  final LuaScript importDead = LuaScript.fromResource("import_dead");

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
          streamAccess,
          importDead
        }) {
      script.load(redis);
    }
  }
}
