package dev.herald.store.redis;

import dev.herald.store.MigrationTally;

/**
 * The target's stored format as a migration finds it ({@code <target ns>:format}, in the first
 * shard beside the heartbeats: heartbeat.lua), read once, and what follows from it. A target that
 * decided on format 2 has had processes that read stored format 2 at most (no process runs during a
 * move, but they may start again after it): a notification stored in format 3 with no route hash
 * yet moves there with the route hash format 2 implies (RouteStateCodec.orImplied, as the first
 * change would write it: lib/figures.lua's implied_route_fields), and the target keeps its
 * decision. Likewise a target that decided on format 2 or 3 gets the routes a format 4 claim
 * published inline (one packed field per group) as one state field per route, as format 3 writes
 * them (RouteStateCodec.withPublished). A target with none (a new namespace) takes the source's,
 * and records move as they are.
 */
final class TargetFormat {

  /** The first stored format whose untouched notifications have no route hash. */
  private static final int NO_ROUTE_HASH = 3;

  private final MigrationEnds ends;
  private int decided = -1;
  private long given;
  private long unpacked;

  TargetFormat(MigrationEnds ends) {
    this.ends = ends;
  }

  /** The key, in the target's first shard. */
  String key() {
    return ends.targetKeys().get(0).storedFormat();
  }

  /**
   * The target's decision: 2 or more, or 0 when it has none (the key absent, or not above 1, which
   * heartbeat.lua never writes and reads as "nothing decided"; a value that is not a number too).
   */
  synchronized int decided() {
    if (decided < 0) {
      int format =
          StoredFormat.decision(
              RedisErrors.call("reading " + key(), () -> ends.target().get(key())));
      decided = format > StoredFormat.EARLIER ? format : 0;
    }
    return decided;
  }

  /** True when a notification without a route hash must get one to move there. */
  boolean needsRouteHashes() {
    int format = decided();
    return format != 0 && format < NO_ROUTE_HASH;
  }

  /**
   * True when routes published inline must move as per-route fields, not in their group's packed
   * field (stored format 4, lib/states.lua), which a process that reads format 3 at most does not
   * read.
   */
  boolean needsPerRouteStates() {
    int format = decided();
    return format != 0 && format < StoredFormat.PACKED_PUBLISHED;
  }

  /** One notification of format 4 given per-route states for its packed ones (or to be). */
  synchronized void unpacked() {
    unpacked++;
  }

  /** One notification of format 3 given its implied route hash (or to be, in a dry run). */
  synchronized void gave() {
    given++;
  }

  /** Says in the report how many notifications were given a route hash or state fields, if any. */
  void note(MigrationTally tally, boolean dryRun) {
    note(
        tally,
        dryRun,
        unpacked,
        "stored in format 4 (routes published inline packed, one field per group)",
        "a state field per route");
    note(
        tally,
        dryRun,
        given,
        "stored in format 3 (no route hash until a first change)",
        "the route hash stored format 2 writes");
  }

  private void note(MigrationTally tally, boolean dryRun, long count, String what, String got) {
    if (count > 0) {
      tally.note(
          count
              + " notification(s) "
              + what
              + (dryRun ? " would be" : " were")
              + " given "
              + got
              + ": the target's "
              + key()
              + " is "
              + decided()
              + ", so processes that read stored format "
              + decided()
              + " at most ran there");
    }
  }
}
