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
import redis.clients.jedis.Response;
import redis.clients.jedis.resps.Tuple;

/**
 * Moves the opt-in recipient index ({@code rcpt:<recipient>}, lib/recipients.lua): each entry to
 * the same recipient's index in the shard of its notification's id, with its score, the key's time
 * left kept. With shards each shard indexes its own notifications, and a lookup gathers them. An
 * entry whose notification stays in the source stays with it. A page of keys per four round trips;
 * each index is bounded ({@code console.recipient-index-max}), so read whole.
 */
final class RecipientIndexMover {

  private static final int SCAN_COUNT = 1500;

  private final MigrationEnds ends;
  private final SourceLeftovers leftovers;

  RecipientIndexMover(MigrationEnds ends, SourceLeftovers leftovers) {
    this.ends = ends;
    this.leftovers = leftovers;
  }

  void moveAll(MigrationTally tally, boolean dryRun) {
    String prefix = ends.sourceKeys().recipient("");
    KeyPatterns.forEachPage(
        ends.source(),
        prefix,
        SCAN_COUNT,
        "recipient index",
        keys -> move(keys, prefix, tally, dryRun));
  }

  private void move(List<String> keys, String prefix, MigrationTally tally, boolean dryRun) {
    Map<String, Response<List<Tuple>>> entries = new HashMap<>();
    Map<String, Response<Long>> ttls = new HashMap<>();
    MigrationPipes.run(
        ends.source(),
        "reading " + keys.size() + " recipients' index",
        p ->
            keys.forEach(
                k -> {
                  entries.put(k, p.zrangeWithScores(k));
                  ttls.put(k, p.pttl(k));
                }));
    List<String> ids = new ArrayList<>();
    entries.values().forEach(r -> r.get().forEach(t -> ids.add(t.getElement())));
    Set<String> staying = leftovers.staying(ids, dryRun);
    Map<String, Map<String, Double>> writes = new LinkedHashMap<>(); // target key -> entries
    Map<String, Long> expiries = new HashMap<>();
    Map<String, List<String>> removals = new LinkedHashMap<>(); // source key -> members
    for (String key : keys) {
      String recipient = key.substring(prefix.length());
      for (Tuple t : entries.get(key).get()) {
        if (staying.contains(t.getElement())) {
          continue;
        }
        int shard = NotificationIds.isId(t.getElement()) ? ends.layout().ofId(t.getElement()) : 0;
        String to = ends.targetKeys().get(shard).recipient(recipient);
        writes.computeIfAbsent(to, k -> new LinkedHashMap<>()).put(t.getElement(), t.getScore());
        expiries.put(to, ttls.get(key).get());
        removals.computeIfAbsent(key, k -> new ArrayList<>()).add(t.getElement());
        tally.add(Item.RECIPIENT_ENTRIES, shard, 1);
      }
    }
    if (dryRun || writes.isEmpty()) {
      return;
    }
    MigrationPipes.run(
        ends.target(),
        "writing " + writes.size() + " recipients' index into the target",
        p ->
            writes.forEach(
                (key, members) -> {
                  p.zadd(key, members);
                  p.pexpire(key, expiries.get(key));
                }));
    MigrationPipes.run(
        ends.source(),
        "deleting the recipient index entries moved",
        p -> removals.forEach(p::zrem));
  }
}
