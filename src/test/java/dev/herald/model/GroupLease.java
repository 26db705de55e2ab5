package dev.herald.model;

import java.util.HashSet;
import java.util.Set;

/**
 * A claim's lease on one group of a notification's routes (groups are 64 consecutive route indexes;
 * a claim leases per group, and while the lease lives no other claim takes any route of the group).
 *
 * @param covered the routes the holder was handed and will complete; empty when nobody holds the
 *     reply (a claim whose reply was lost)
 */
record GroupLease(String token, long until, long claimedAt, Set<Integer> covered) {

  GroupLease {
    covered = new HashSet<>(covered);
  }

  boolean liveAt(long now) {
    return until > now;
  }
}
