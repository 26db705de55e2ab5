package dev.herald.store;

import dev.herald.domain.Failure;
import dev.herald.domain.Notification;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The operator's port to dead letters: read them page by page, requeue them, purge them.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>{@link #page} reads newest first (dead since descending, equal times in a fixed order) and
 *       never more than {@code limit} entries, so that any number of dead letters can be streamed
 *       in bounded memory. A page read after a cursor starts right after it, even when entries up
 *       to the cursor have left the index since (requeued, purged): following the cursors visits
 *       each entry that stays exactly once.
 *   <li>{@link #requeue} and {@link #purge} change each route in one atomic step, and only while it
 *       is a dead letter; any other route is reported {@link Change.Outcome#NOT_DEAD} and left
 *       alone. Requeueing or purging a route twice, or from two callers at once, changes it once. A
 *       call changes a slice of routes (at most {@link #MAX_SLICE}): interrupting a caller between
 *       calls leaves every route either changed or still a dead letter.
 *   <li>A requeued route waits for a worker at its due time like any other: its group is scheduled
 *       no later than that, also when another route of the group is leased, and publishers waiting
 *       for work are woken.
 *   <li>A purged route is finished: its notification is deleted after {@code retention.published}
 *       once all its routes are finished.
 *   <li>Time is the caller's; transient Redis trouble throws {@link StoreUnavailableException}.
 * </ul>
 */
public interface DeadLetterStore {

  /** The most routes one {@link #requeue} or {@link #purge} call takes. */
  int MAX_SLICE = 1_000;

  /**
   * Up to {@code limit} entries of the dead-letter index within {@code window}, newest first, after
   * {@code after} (null: from the newest).
   */
  Page page(Window window, Cursor after, int limit);

  /** The cursor a page ending at {@code d} would give: the next page starts after it. */
  Cursor cursorAt(DeadLetter d);

  /** How many entries the dead-letter index holds within {@code window}. */
  long count(Window window);

  /**
   * Makes each route wait for a worker again at its due time: pending with 0 attempts, or, with
   * {@code keepAttempts}, failed with the attempts it made (so that it gets one more attempt unless
   * its limit was raised). Results are in the order given.
   */
  List<Change> requeue(List<Requeue> routes, boolean keepAttempts, Instant now);

  /** Ends each route as purged. Results are in the order given. */
  List<Change> purge(List<Route> routes, Instant now);

  /**
   * Stores dead letters brought from an export (of this store or another): each as a notification
   * of its own with one route, a dead letter with its attempts, dead-since time and failure
   * history, written in one atomic step per dead letter, one call per slice (at most {@link
   * #MAX_SLICE}). One whose notification is stored already with this very record is {@link
   * ImportResult.Outcome#EXISTS} and nothing is written again, so importing twice creates nothing
   * new; one whose source route is in this store and not purged is {@link
   * ImportResult.Outcome#SOURCE_PRESENT} and left out, so that it cannot be requeued twice. Results
   * are in the order given.
   */
  List<ImportResult> importDeadLetters(List<Import> items, Instant now);

  /**
   * The dead-letter retention: purges up to {@code limit} of the oldest dead letters beyond {@code
   * keepAtMost}, or dead since before {@code deadBefore}.
   */
  RetentionPurge purgeOldest(
      Optional<Long> keepAtMost, Optional<Instant> deadBefore, Instant now, int limit);

  /** A route by notification and index. */
  record Route(String notificationId, int index) {
    public Route {
      Objects.requireNonNull(notificationId, "notificationId");
    }
  }

  /**
   * A dead letter to import.
   *
   * @param notification its notification, of one route (index 0), under its new id
   * @param failures its failed attempts, oldest first: the last one made it a dead letter
   * @param source the route it was in the store it was exported from
   */
  record Import(
      Notification notification,
      int attempts,
      Instant deadSince,
      List<Failure> failures,
      Route source) {
    public Import {
      Objects.requireNonNull(notification, "notification");
      Objects.requireNonNull(deadSince, "deadSince");
      failures = List.copyOf(failures);
      if (notification.routeCount() != 1 || failures.isEmpty()) {
        throw new IllegalArgumentException(
            "an imported dead letter is one route with its failures (notification "
                + notification.id()
                + ")");
      }
    }
  }

  /**
   * What became of one imported dead letter.
   *
   * @param detail for {@link Outcome#SOURCE_PRESENT} the source route's status, for {@link
   *     Outcome#FAILED} why, else empty
   */
  record ImportResult(Outcome outcome, String detail) {
    public enum Outcome {
      IMPORTED,
      /** Imported before (the same record under the same id): nothing written. */
      EXISTS,
      /** The route it came from is in this store and not purged: left out. */
      SOURCE_PRESENT,
      FAILED
    }
  }

  /** A route to requeue, due at {@code at} (a time in the past means now). */
  record Requeue(Route route, Instant at) {}

  /** Dead since bounds, both inclusive; empty means unbounded. */
  record Window(Optional<Instant> since, Optional<Instant> until) {
    public static final Window ALL = new Window(Optional.empty(), Optional.empty());
  }

  /**
   * Where a page ended.
   *
   * @param position the store's own mark of the entry, opaque to callers
   */
  record Cursor(Instant deadSince, String position) {}

  /**
   * One page.
   *
   * @param deadLetters the entries that are dead letters, in order
   * @param scanned entries read, including any that turned out not to be dead letters (an index
   *     entry left behind)
   * @param next where the next page starts; empty after the last page
   */
  record Page(List<DeadLetter> deadLetters, int scanned, Optional<Cursor> next) {
    public Page {
      deadLetters = List.copyOf(deadLetters);
    }
  }

  /**
   * What became of one route.
   *
   * @param detail for {@link Outcome#NOT_DEAD} the route's status now (empty if it has none), for
   *     {@link Outcome#FAILED} why, else empty
   */
  record Change(Route route, Outcome outcome, String detail) {
    public enum Outcome {
      /** Requeued or purged. */
      CHANGED,
      /** Not a dead letter (any more): left alone. */
      NOT_DEAD,
      /** A dead letter that cannot be requeued, e.g. its notification record is unreadable. */
      FAILED
    }
  }

  /** Dead letters the retention purged, by the cap that made it. */
  record RetentionPurge(int byCount, int byAge) {
    public int total() {
      return byCount + byAge;
    }
  }
}
