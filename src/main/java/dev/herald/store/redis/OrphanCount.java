package dev.herald.store.redis;

import dev.herald.store.MigrationTally;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Counts the route hashes and failure histories the source holds without a record: what a broken
 * store may have left, which the notification pass (driven by the records) does not move, and which
 * no Herald reads. They stay; the report says how many, so that they are not a surprise. After a
 * migration the source is nearly empty and this walk is short.
 */
final class OrphanCount {

  private static final int SCAN_COUNT = 1500;

  private final UnifiedJedis source;
  private final RedisKeys keys;

  OrphanCount(UnifiedJedis source, RedisKeys keys) {
    this.source = source;
    this.keys = keys;
  }

  void note(MigrationTally tally) {
    long orphans = count(keys.routes("")) + count(keys.failures(""));
    if (orphans > 0) {
      tally.note(
          orphans
              + " route hash(es) or failure histories without a notification record stay in the"
              + " source ("
              + keys.routes("")
              + "*, "
              + keys.failures("")
              + "*): no Herald reads them, and there is no record to move them with");
    }
  }

  private long count(String prefix) {
    ScanParams params = new ScanParams().match(KeyPatterns.escape(prefix) + "*").count(SCAN_COUNT);
    String cursor = ScanParams.SCAN_POINTER_START;
    long orphans = 0;
    do {
      String at = cursor;
      ScanResult<String> page =
          RedisErrors.call(
              "scanning the source for " + prefix + "*", () -> source.scan(at, params));
      cursor = page.getCursor();
      List<String> ids = new ArrayList<>();
      page.getResult().forEach(k -> ids.add(k.substring(prefix.length())));
      Map<String, Response<String>> records = new HashMap<>();
      if (!ids.isEmpty()) {
        MigrationPipes.run(
            source,
            "checking " + ids.size() + " keys for their records",
            p -> ids.forEach(id -> records.put(id, p.type(keys.notification(id)))));
      }
      orphans += records.values().stream().filter(t -> "none".equals(t.get())).count();
    } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    return orphans;
  }
}
