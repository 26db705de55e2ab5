package dev.herald.store.redis;

import dev.herald.store.MigrationTally;
import dev.herald.store.MigrationTally.Item;
import dev.herald.store.MigrationTally.Kept;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.Response;

/**
 * Moves the idempotency records, each to the shard of its key (CRC-32 of producer and key), where
 * the duplicate check of a new submission runs: not to its notification's shard, which for a
 * notification made in the one-Redis layout is most often another. The value ({@code <id>|<accepted
 * ms>}) and the time it has left are kept; a record whose notification stays in the source stays
 * with it. A record the target holds with another value is left, counted.
 */
final class IdempotencyMover {

  private static final int SCAN_COUNT = 1500;

  private final MigrationEnds ends;
  private final SourceLeftovers leftovers;

  IdempotencyMover(MigrationEnds ends, SourceLeftovers leftovers) {
    this.ends = ends;
    this.leftovers = leftovers;
  }

  void moveAll(MigrationTally tally, boolean dryRun) {
    String prefix = ends.sourceKeys().prefix() + "idem:";
    KeyPatterns.forEachPage(
        ends.source(),
        prefix,
        SCAN_COUNT,
        "idempotency keys",
        keys -> {
          List<Record> records = new ArrayList<>();
          for (String key : keys) {
            String[] producerAndKey = parseName(key.substring(prefix.length()));
            if (producerAndKey == null) {
              tally.kept(Kept.UNREADABLE, key + ": not an idempotency key Herald writes");
              continue;
            }
            int shard = ends.layout().ofIdempotencyKey(producerAndKey[0], producerAndKey[1]);
            String name = key.substring(prefix.length());
            records.add(
                new Record(key, shard, ends.targetKeys().get(shard).prefix() + "idem:" + name));
          }
          if (!records.isEmpty()) {
            move(records, tally, dryRun);
          }
        });
  }

  private void move(List<Record> records, MigrationTally tally, boolean dryRun) {
    Map<String, Response<String>> values = new HashMap<>();
    Map<String, Response<Long>> ttls = new HashMap<>();
    MigrationPipes.run(
        ends.source(),
        "reading " + records.size() + " idempotency keys",
        p -> {
          for (Record r : records) {
            values.put(r.key, p.get(r.key));
            ttls.put(r.key, p.pttl(r.key));
          }
        });
    Map<String, Response<String>> theirs = new HashMap<>();
    MigrationPipes.run(
        ends.target(),
        "looking for " + records.size() + " idempotency keys in the target",
        p -> records.forEach(r -> theirs.put(r.key, p.get(r.targetKey))));
    List<Record> present = records.stream().filter(r -> values.get(r.key).get() != null).toList();
    Set<String> staying =
        leftovers.staying(
            present.stream().map(r -> idOf(values.get(r.key).get())).toList(), dryRun);
    List<Record> writing = new ArrayList<>();
    List<Record> deleting = new ArrayList<>();
    for (Record r : present) {
      String value = values.get(r.key).get();
      String their = theirs.get(r.key).get();
      if (staying.contains(idOf(value))) {
        continue;
      }
      if (their != null && !their.equals(value)) {
        tally.kept(Kept.CONFLICT, r.key);
        continue;
      }
      tally.add(Item.IDEMPOTENCY_RECORDS, r.shard, 1);
      if (their == null) {
        writing.add(r);
      }
      deleting.add(r);
    }
    if (dryRun || deleting.isEmpty()) {
      return;
    }
    MigrationPipes.run(
        ends.target(),
        "writing " + writing.size() + " idempotency keys into the target",
        p ->
            writing.forEach(
                r -> p.set(r.targetKey, values.get(r.key).get(), ttls.get(r.key).get())));
    MigrationPipes.run(
        ends.source(),
        "deleting " + deleting.size() + " idempotency keys moved",
        p -> p.unlinkAll(deleting.stream().map(Record::key).toList()));
  }

  /** Producer and key of a name {@code <producer length>:<producer>:<key>}, or null. */
  static String[] parseName(String name) {
    int colon = name.indexOf(':');
    if (colon < 1) {
      return null;
    }
    int length;
    try {
      length = Integer.parseInt(name.substring(0, colon));
    } catch (NumberFormatException e) {
      return null;
    }
    int keyAt = colon + 1 + length;
    if (length < 0 || keyAt >= name.length() || name.charAt(keyAt) != ':') {
      return null;
    }
    return new String[] {name.substring(colon + 1, keyAt), name.substring(keyAt + 1)};
  }

  private static String idOf(String value) {
    int bar = value.lastIndexOf('|');
    return bar < 0 ? value : value.substring(0, bar);
  }

  private record Record(String key, int shard, String targetKey) {}
}
