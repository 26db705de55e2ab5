package dev.herald.store.redis;

import dev.herald.domain.NotificationIds;
import dev.herald.domain.RouteState;
import dev.herald.store.CorruptRecordException;
import dev.herald.store.MigrationTally;
import dev.herald.store.MigrationTally.Item;
import dev.herald.store.MigrationTally.Kept;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Moves notifications, a page of the source's {@code n:} keys at a time, each with the keys it owns
 * ({@code n:}, {@code r:}, {@code f:}) to the shard its id names: four round trips per page (read
 * the source, look in the target, write the target, delete the source), whatever its size. The
 * route hash and failure history are copied field by field as they are, not read: only lease fields
 * are looked into, to leave a notification a process works on where it is. A notification stored in
 * format 3 with no change yet has no route hash (StoredFormat), and moves as its record alone, or
 * with the route hash its record implies into a target that decided on format 2 ({@link
 * TargetFormat}).
 *
 * <p>The target's record is written before its routes and the source's record deleted after its
 * routes, so that at any moment the source still names every notification not finished, and a
 * record in the target equal to the source's means "copied, maybe in part": a rerun copies the
 * source's route and failure fields again (the same values) and deletes the source.
 */
final class NotificationMover {

  /** Keys asked of SCAN per page (about a third of them records). */
  private static final int SCAN_COUNT = 1500;

  private final MigrationEnds ends;
  private final SourceLeftovers leftovers;
  private final TargetFormat targetFormat;
  private final NotificationCodec codec = new NotificationCodec();
  private String cursor = ScanParams.SCAN_POINTER_START;
  private boolean done;

  NotificationMover(MigrationEnds ends, SourceLeftovers leftovers, TargetFormat targetFormat) {
    this.ends = ends;
    this.leftovers = leftovers;
    this.targetFormat = targetFormat;
  }

  /** The next page of the ends.source()'s records; false once the scan is through. */
  boolean step(MigrationTally tally, boolean dryRun, Instant now) {
    if (done) {
      return false;
    }
    String prefix = ends.sourceKeys().notification("");
    ScanParams params = new ScanParams().match(KeyPatterns.escape(prefix) + "*").count(SCAN_COUNT);
    ScanResult<String> page =
        RedisErrors.call(
            "scanning the source's notifications", () -> ends.source().scan(cursor, params));
    cursor = page.getCursor();
    done = ScanParams.SCAN_POINTER_START.equals(cursor);
    List<String> ids = new ArrayList<>();
    for (String key : page.getResult()) {
      String id = key.substring(prefix.length());
      if (NotificationIds.isId(id)) {
        ids.add(id);
      } else {
        tally.kept(Kept.UNREADABLE, key + ": not a notification id, no shard to put it in");
      }
    }
    if (!ids.isEmpty()) {
      move(ids, tally, dryRun, now);
    }
    return !done;
  }

  private void move(List<String> ids, MigrationTally tally, boolean dryRun, Instant now) {
    Map<String, Response<String>> records = new HashMap<>();
    Map<String, Response<Map<String, String>>> routes = new HashMap<>();
    Map<String, Response<Map<String, String>>> failures = new HashMap<>();
    MigrationPipes.run(
        ends.source(),
        "reading " + ids.size() + " notifications of the source",
        p -> {
          for (String id : ids) {
            records.put(id, p.get(ends.sourceKeys().notification(id)));
            routes.put(id, p.hgetAll(ends.sourceKeys().routes(id)));
            failures.put(id, p.hgetAll(ends.sourceKeys().failures(id)));
          }
        });
    Map<String, Response<String>> theirs = new HashMap<>();
    Map<String, Response<String>> theirRoutes = new HashMap<>();
    MigrationPipes.run(
        ends.target(),
        "looking for " + ids.size() + " notifications in the target",
        p -> {
          for (String id : ids) {
            RedisKeys k = ends.targetKeys().get(ends.layout().ofId(id));
            theirs.put(id, p.get(k.notification(id)));
            theirRoutes.put(id, p.type(k.routes(id)));
          }
        });
    List<String> moving = new ArrayList<>();
    Map<String, Map<String, String>> hashes = new HashMap<>();
    for (String id : ids) {
      String record = records.get(id).get();
      if (record == null) {
        continue; // deleted since the scan saw it: nothing to move
      }
      if (leased(routes.get(id).get(), now)) {
        tally.kept(Kept.LEASED, id);
        leftovers.kept(id);
        continue;
      }
      String their = theirs.get(id).get();
      if (their == null && !"none".equals(theirRoutes.get(id).get())) {
        tally.kept(Kept.CONFLICT, id); // route states without a record: not ours to overwrite
        leftovers.kept(id);
        continue;
      }
      if (their != null && !their.equals(record)) {
        tally.kept(Kept.CONFLICT, id);
        leftovers.kept(id);
        continue;
      }
      if (their != null) {
        tally.resumed();
      }
      moving.add(id);
      Map<String, String> hash = routes.get(id).get();
      Map<String, String> perRoute = perRoute(hash);
      Map<String, String> read = routes(id, record, perRoute);
      if (hash.isEmpty() && !read.isEmpty() && targetFormat.needsRouteHashes()) {
        hashes.put(id, read); // TargetFormat: the target's processes may read format 2 at most
        targetFormat.gave();
      } else if (perRoute != hash && targetFormat.needsPerRouteStates()) {
        hashes.put(id, perRoute); // TargetFormat: the target's processes may read format 3 at most
        targetFormat.unpacked();
      } else {
        hashes.put(id, hash);
      }
      count(tally, ends.layout().ofId(id), read);
    }
    if (dryRun || moving.isEmpty()) {
      return;
    }
    MigrationPipes.run(
        ends.target(),
        "writing " + moving.size() + " notifications into the target",
        p -> {
          for (String id : moving) {
            RedisKeys k = ends.targetKeys().get(ends.layout().ofId(id));
            p.set(k.notification(id), records.get(id).get());
            p.hset(k.routes(id), hashes.get(id));
            p.hset(k.failures(id), failures.get(id).get());
          }
        });
    MigrationPipes.run(
        ends.source(),
        "deleting " + moving.size() + " notifications moved from the source",
        p -> {
          // one server, keys in slices: each record after its routes and failures
          List<String> keys = new ArrayList<>();
          for (String id : moving) {
            keys.add(ends.sourceKeys().routes(id));
            if (!failures.get(id).get().isEmpty()) {
              keys.add(ends.sourceKeys().failures(id));
            }
            keys.add(ends.sourceKeys().notification(id));
          }
          p.unlinkAll(keys);
        });
  }

  /**
   * The route hash with the routes its packed fields list (stored format 4) as per-route fields
   * ({@link RouteStateCodec#withPublished}); as read when it has none, or one that does not read
   * (it then moves as it is, and counts as its own fields tell).
   */
  private static Map<String, String> perRoute(Map<String, String> hash) {
    try {
      return RouteStateCodec.withPublished(hash);
    } catch (CorruptRecordException e) {
      return hash;
    }
  }

  /**
   * The route hash as read, or the one its record implies when it has none (format 3, every route
   * untouched); an unreadable record with no route hash counts no routes, and moves as it is.
   */
  private Map<String, String> routes(String id, String record, Map<String, String> hash) {
    if (!hash.isEmpty()) {
      return hash;
    }
    try {
      return RouteStateCodec.orImplied(hash, codec.decode(id, record));
    } catch (CorruptRecordException e) {
      return hash;
    }
  }

  /** True when a group lease of the route hash is still live at {@code now}. */
  private static boolean leased(Map<String, String> routes, Instant now) {
    for (Map.Entry<String, String> field : routes.entrySet()) {
      if (field.getKey().startsWith("L")) {
        RouteStateCodec.Lease lease = RouteStateCodec.parseLease(field.getValue());
        if (lease != null && lease.until().isAfter(now)) {
          return true;
        }
      }
    }
    return false;
  }

  private static void count(MigrationTally tally, int shard, Map<String, String> routes) {
    tally.add(Item.NOTIFICATIONS, shard, 1);
    long all = 0;
    long waiting = 0;
    for (Map.Entry<String, String> field : routes.entrySet()) {
      if (!RouteStateCodec.isRouteIndex(field.getKey())) {
        continue; // open, exp, type, due, n, a lease
      }
      all++;
      RouteStateCodec.PackedState state = RouteStateCodec.parse(field.getValue());
      if (state != null
          && (state.state() == RouteState.PENDING || state.state() == RouteState.FAILED)) {
        waiting++;
      }
    }
    // Untouched routes have no field (lib/states.lua): each is a route waiting.
    long untouched = Math.max(0, RouteStateCodec.routeCount(routes) - all);
    tally.add(Item.ROUTES, shard, all + untouched);
    tally.add(Item.WAITING_ROUTES, shard, waiting + untouched);
  }
}
