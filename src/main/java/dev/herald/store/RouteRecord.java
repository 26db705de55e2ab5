package dev.herald.store;

import dev.herald.domain.Failure;
import dev.herald.domain.RouteId;
import dev.herald.domain.RouteState;
import java.time.Instant;
import java.util.List;

/**
 * Everything stored about one route, for display.
 *
 * @param routeId null when the notification record is unreadable and only the index is known
 * @param nextAttemptAt when a pending or failed route falls due; for a leased one, when it fell
 *     due; else null
 * @param leaseUntil when the lease of a leased route runs out, else null
 * @param leaseToken the token of the lease holder, else null
 * @param publishedAt when it was published, else null
 * @param entryId its stream entry id when published, else null
 * @param deadAt when it became a dead letter (or expired, was cancelled or purged), else null
 * @param failures its failed attempts, oldest first (capped); the last is the latest
 */
public record RouteRecord(
    int index,
    RouteId routeId,
    RouteState state,
    int attempts,
    Instant nextAttemptAt,
    Instant leaseUntil,
    String leaseToken,
    Instant publishedAt,
    String entryId,
    Instant deadAt,
    List<Failure> failures) {

  public RouteRecord {
    failures = List.copyOf(failures);
  }

  public Failure lastFailure() {
    return failures.isEmpty() ? null : failures.get(failures.size() - 1);
  }
}
