package dev.herald.store.redis;

import dev.herald.domain.NotificationIds;
import dev.herald.store.MigrationTally;
import dev.herald.store.MigrationTally.Item;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import redis.clients.jedis.resps.Tuple;

/**
 * Moves the entries of the source's schedule, dead-letter index and retention (sorted sets, scores
 * kept) and its quarantine (a hash) to the shard of the notification each names, once that
 * notification has left the source: a page of entries per three round trips. An entry whose name
 * holds no notification id goes to the first shard, as it is.
 */
final class IndexMover {

  private static final int PAGE = 2000;

  private final MigrationEnds ends;
  private final SourceLeftovers leftovers;

  IndexMover(MigrationEnds ends, SourceLeftovers leftovers) {
    this.ends = ends;
    this.leftovers = leftovers;
  }

  void moveAll(MigrationTally tally, boolean dryRun) {
    sortedSet(
        ends.sourceKeys().schedule(), RedisKeys::schedule, Item.SCHEDULE_ENTRIES, tally, dryRun);
    sortedSet(
        ends.sourceKeys().deadLetters(), RedisKeys::deadLetters, Item.DEAD_LETTERS, tally, dryRun);
    sortedSet(
        ends.sourceKeys().retention(), RedisKeys::retention, Item.RETENTION_ENTRIES, tally, dryRun);
    quarantine(tally, dryRun);
  }

  private void sortedSet(
      String from,
      Function<RedisKeys, String> to,
      Item item,
      MigrationTally tally,
      boolean dryRun) {
    long offset = 0;
    while (true) {
      long start = offset;
      List<Tuple> page =
          RedisErrors.call(
              "reading " + from,
              () -> ends.source().zrangeWithScores(from, start, start + PAGE - 1));
      if (page.isEmpty()) {
        return;
      }
      Set<String> staying =
          leftovers.staying(page.stream().map(t -> idOf(t.getElement())).toList(), dryRun);
      Map<Integer, Map<String, Double>> byShard = new LinkedHashMap<>();
      List<String> moved = new ArrayList<>();
      for (Tuple t : page) {
        String id = idOf(t.getElement());
        if (staying.contains(id)) {
          continue;
        }
        int shard = shardOf(id);
        byShard
            .computeIfAbsent(shard, s -> new LinkedHashMap<>())
            .put(t.getElement(), t.getScore());
        moved.add(t.getElement());
        tally.add(item, shard, 1);
      }
      if (dryRun) {
        offset += page.size();
        continue;
      }
      offset += page.size() - moved.size();
      if (moved.isEmpty()) {
        continue;
      }
      MigrationPipes.run(
          ends.target(),
          "writing " + moved.size() + " entries of " + from + " into the target",
          p ->
              byShard.forEach(
                  (shard, entries) -> p.zadd(to.apply(ends.targetKeys().get(shard)), entries)));
      MigrationPipes.run(
          ends.source(),
          "deleting " + moved.size() + " entries moved from " + from,
          p -> p.zrem(from, moved));
    }
  }

  private void quarantine(MigrationTally tally, boolean dryRun) {
    String from = ends.sourceKeys().quarantine();
    Map<String, String> all =
        RedisErrors.call("reading " + from, () -> ends.source().hgetAll(from));
    if (all.isEmpty()) {
      return;
    }
    Set<String> staying =
        leftovers.staying(all.keySet().stream().map(IndexMover::idOf).toList(), dryRun);
    Map<Integer, Map<String, String>> byShard = new HashMap<>();
    List<String> moved = new ArrayList<>();
    all.forEach(
        (member, reason) -> {
          String id = idOf(member);
          if (!staying.contains(id)) {
            int shard = shardOf(id);
            byShard.computeIfAbsent(shard, s -> new LinkedHashMap<>()).put(member, reason);
            moved.add(member);
            tally.add(Item.QUARANTINED, shard, 1);
          }
        });
    if (dryRun || moved.isEmpty()) {
      return;
    }
    MigrationPipes.run(
        ends.target(),
        "writing " + moved.size() + " quarantined entries into the target",
        p ->
            byShard.forEach(
                (shard, entries) -> p.hset(ends.targetKeys().get(shard).quarantine(), entries)));
    MigrationPipes.run(
        ends.source(),
        "deleting " + moved.size() + " quarantined entries moved",
        p -> p.hdel(from, moved));
  }

  private int shardOf(String id) {
    return NotificationIds.isId(id) ? ends.layout().ofId(id) : 0;
  }

  /**
   * The notification an entry names: the part before its first {@code :} (all of a retention's).
   */
  static String idOf(String member) {
    int colon = member.indexOf(':');
    return colon < 0 ? member : member.substring(0, colon);
  }
}
