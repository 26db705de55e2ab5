package dev.herald.store.redis;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * Which notifications stay in the source: in a dry run, those the notification pass kept (nothing
 * moved); in a migration, those whose record or route states the source still holds (kept by this
 * run or an earlier one). An index entry, quarantined entry or idempotency record moves only with
 * its notification gone from the source, or never there.
 */
final class SourceLeftovers {

  private final UnifiedJedis source;
  private final RedisKeys keys;
  private final Set<String> keptThisRun = new HashSet<>();

  SourceLeftovers(UnifiedJedis source, RedisKeys keys) {
    this.source = source;
    this.keys = keys;
  }

  void kept(String id) {
    keptThisRun.add(id);
  }

  /** Of {@code ids}, those that stay in the source. */
  Set<String> staying(Collection<String> ids, boolean dryRun) {
    Set<String> out = new HashSet<>();
    if (dryRun) {
      ids.stream().filter(keptThisRun::contains).forEach(out::add);
      return out;
    }
    Map<String, Response<String>> records = new HashMap<>();
    Map<String, Response<String>> routes = new HashMap<>();
    Set<String> distinct = new HashSet<>(ids);
    MigrationPipes.run(
        source,
        "checking which of " + distinct.size() + " notifications are still in the source",
        p -> {
          for (String id : distinct) {
            records.put(id, p.type(keys.notification(id)));
            routes.put(id, p.type(keys.routes(id)));
          }
        });
    for (String id : distinct) {
      if (!"none".equals(records.get(id).get()) || !"none".equals(routes.get(id).get())) {
        out.add(id);
      }
    }
    return out;
  }
}
