package dev.herald.store;

import java.time.Instant;
import java.util.List;

/**
 * Moves a deployment's store from the one-Redis layout ({@code shards: 1}) to shards, each under a
 * hash tag of its own, on the same Redis or another one (a Redis Cluster). Nothing may run on
 * either side meanwhile ({@link #preflight}).
 *
 * <p>The contract, for every step: the target is written first, the source deleted only after the
 * target acknowledged, so that a migration killed at any moment loses nothing; a rerun recognises
 * what was copied already (the same record in the target) and finishes it. A notification whose id
 * the target holds for another record is never overwritten: it stays in the source, counted. A dry
 * run reads everything the same way and writes nothing.
 */
public interface ShardMigration extends AutoCloseable {

  /** The source Redis's clock: the time base its leases were written in. */
  Instant sourceTime();

  /**
   * Why the migration must not start now, as sentences naming what is in the way (Herald processes
   * reporting on either side, live leases, intents not settled); empty when it may.
   */
  List<String> preflight(Instant now);

  /**
   * Moves (in a dry run: counts) the next batch of notifications with their records, route states
   * and failure histories.
   *
   * @return false when the source has no more notifications to look at
   */
  boolean moveNotifications(MigrationTally tally, boolean dryRun, Instant now);

  /**
   * After the notifications: the schedule, dead-letter and retention entries, the quarantine, the
   * idempotency records (each to its key's shard), the channel controls (to every shard) and the
   * counters (added into the first shard, once), of every notification no longer in the source.
   */
  void moveTheRest(MigrationTally tally, boolean dryRun, Instant now);

  @Override
  void close();
}
