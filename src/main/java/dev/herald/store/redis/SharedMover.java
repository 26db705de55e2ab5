package dev.herald.store.redis;

import dev.herald.store.MigrationTally;
import dev.herald.store.MigrationTally.Item;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What every shard shares rather than splits: the operator's channel controls (pauses and rate
 * limits), written to every shard as {@code herald channels} writes them, the counters, added into
 * the first shard once (figures are summed over the shards), and the stored format (heartbeat.lua),
 * which the first shard keeps beside the heartbeats.
 */
final class SharedMover {

  private static final LuaScript STATS = LuaScript.fromResource("migrate_stats");

  private final MigrationEnds ends;
  private final TargetFormat targetFormat;

  SharedMover(MigrationEnds ends, TargetFormat targetFormat) {
    this.ends = ends;
    this.targetFormat = targetFormat;
  }

  void moveAll(MigrationTally tally, boolean dryRun, Instant now) {
    controls(tally, dryRun);
    counters(tally, dryRun, now);
    if (!dryRun) {
      storedFormat();
    }
    targetFormat.note(tally, dryRun);
  }

  /**
   * The source's stored format into the first shard, unless that has a decision of its own: the
   * notifications moved are readable in it ({@link TargetFormat}: format 3 ones got a route hash
   * where it is 2), and it never goes back. No process runs during a move, so none reads it now.
   */
  private void storedFormat() {
    String from = ends.sourceKeys().storedFormat();
    String to = targetFormat.key();
    String format = RedisErrors.call("reading " + from, () -> ends.source().get(from));
    if (format == null) {
      return;
    }
    if (targetFormat.decided() == 0) {
      RedisErrors.call("writing " + to, () -> ends.target().set(to, format));
    }
    RedisErrors.call("deleting " + from, () -> ends.source().del(from));
  }

  private void controls(MigrationTally tally, boolean dryRun) {
    String from = ends.sourceKeys().channelControls();
    Map<String, String> all =
        RedisErrors.call("reading " + from, () -> ends.source().hgetAll(from));
    Map<String, String> moving = new TreeMap<>(all);
    if (moving.isEmpty()) {
      return;
    }
    for (int shard = 0; shard < ends.targetKeys().size(); shard++) {
      tally.add(Item.CHANNEL_CONTROLS, shard, moving.size());
    }
    if (dryRun) {
      return;
    }
    // HSETNX: a control an operator set on the target already (a pause) wins over the old
    // one
    MigrationPipes.run(
        ends.target(),
        "writing the channel controls into every shard",
        p ->
            ends.targetKeys()
                .forEach(
                    k ->
                        moving.forEach(
                            (field, value) -> p.hsetnx(k.channelControls(), field, value))));
    MigrationPipes.run(
        ends.source(),
        "deleting the channel controls moved",
        p -> p.hdel(from, new ArrayList<>(moving.keySet())));
  }

  private void counters(MigrationTally tally, boolean dryRun, Instant now) {
    Map<String, String> stats =
        new TreeMap<>(
            RedisErrors.call(
                "reading the counters", () -> ends.source().hgetAll(ends.sourceKeys().stats())));
    Map<String, String> figures =
        new TreeMap<>(
            RedisErrors.call(
                "reading the route figures",
                () -> ends.source().hgetAll(ends.sourceKeys().typeFigures())));
    if (stats.isEmpty() && figures.isEmpty()) {
      return;
    }
    List<String> bad = new ArrayList<>();
    stats.forEach((f, v) -> checkInteger(ends.sourceKeys().stats(), f, v, bad));
    figures.forEach((f, v) -> checkInteger(ends.sourceKeys().typeFigures(), f, v, bad));
    if (!bad.isEmpty()) {
      bad.forEach(tally::note);
      return;
    }
    tally.add(Item.STATS_FIELDS, 0, stats.size() + figures.size());
    if (dryRun) {
      return;
    }
    RedisKeys first = ends.targetKeys().get(0);
    List<String> args = new ArrayList<>();
    args.add(fingerprint(stats, figures));
    args.add(Long.toString(now.toEpochMilli()));
    args.add(Integer.toString(stats.size()));
    stats.forEach((f, v) -> args.addAll(List.of(f, v)));
    figures.forEach((f, v) -> args.addAll(List.of(f, v)));
    Object added =
        RedisErrors.call(
            "adding the counters into the first shard",
            () ->
                STATS.run(
                    ends.target(),
                    List.of(first.stats(), first.typeFigures(), first.migrations()),
                    args));
    if (Long.valueOf(0).equals(added)) {
      tally.note("the counters had been added into the first shard already (a rerun)");
    }
    MigrationPipes.run(
        ends.source(),
        "deleting the counters moved",
        p -> {
          p.unlink(ends.sourceKeys().stats());
          p.unlink(ends.sourceKeys().typeFigures());
        });
  }

  private static void checkInteger(String key, String field, String value, List<String> bad) {
    try {
      Long.parseLong(value);
    } catch (NumberFormatException e) {
      bad.add(
          "the counters stay in the source: "
              + key
              + " field "
              + field
              + " is not an integer ('"
              + value
              + "')");
    }
  }

  private static String fingerprint(Map<String, String> stats, Map<String, String> figures) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-1");
      for (Map<String, String> m : List.of(stats, figures)) {
        m.forEach(
            (f, v) ->
                sha.update(
                    (f.length() + ":" + f + "=" + v + "\n").getBytes(StandardCharsets.UTF_8)));
        sha.update((byte) 0);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from this JVM", e);
    }
  }
}
