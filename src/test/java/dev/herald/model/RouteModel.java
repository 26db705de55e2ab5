package dev.herald.model;

import dev.herald.domain.RouteState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The plain in-memory route state table the store is checked against: every notification accepted
 * and the state of each of its routes, the leases on their groups, the idempotency keys, the
 * store's counters and the routes the stream must hold. Pure Java; it knows Herald only by its
 * documented behaviour (README: How it works, Guarantees; the store ports' contracts).
 *
 * <p>The moves of a claim and a completion are in {@link ClaimRules} and {@link CompletionRules};
 * the rest are here.
 */
final class RouteModel {

  /** An idempotency key and the notification it names since {@code at}. */
  record Idem(String producer, String key, String id, long at) {}

  final long retentionMs;
  final long windowMs;
  final int historyCap;

  final List<ModelNotification> notifications = new ArrayList<>();
  final Map<String, ModelNotification> byId = new HashMap<>();
  final Map<String, Idem> idempotency = new LinkedHashMap<>();

  /** {@code herald:stats}. */
  final Tally stats = new Tally();

  /** The figures by type that are totals ({@code accepted:<type>}, {@code published:<type>}, …). */
  final Tally totals = new Tally();

  /** Event id → the route, for routes published in the current step: the stream must show them. */
  final Map<String, ModelRoute> appendsThisStep = new LinkedHashMap<>();

  /** Event id → stream entry id of every route appended so far. */
  final Map<String, String> appended = new HashMap<>();

  RouteModel(long retentionMs, long windowMs, int historyCap) {
    this.retentionMs = retentionMs;
    this.windowMs = windowMs;
    this.historyCap = historyCap;
  }

  /** The notification, unless unknown or retired. */
  ModelNotification live(String id) {
    ModelNotification n = byId.get(id);
    return n == null || n.retired ? null : n;
  }

  /** The {@code k}-th notification accepted (modulo how many there are), or null when none. */
  ModelNotification byOrdinal(int k) {
    return notifications.isEmpty() ? null : notifications.get(k % notifications.size());
  }

  List<ModelNotification> liveNotifications() {
    return notifications.stream().filter(n -> !n.retired).toList();
  }

  static String eventId(ModelNotification n, ModelRoute r) {
    return n.id + "/" + r.routeId();
  }

  // ---- intake ----

  /** The id an idempotency key names at {@code now}, if it is still within its window. */
  Optional<String> idempotentId(String producer, String key, long now) {
    if (key == null) {
      return Optional.empty();
    }
    Idem idem = idempotency.get(producer + "\n" + key);
    return idem != null && now - idem.at() < windowMs ? Optional.of(idem.id()) : Optional.empty();
  }

  ModelNotification accept(String id, NotificationSpec spec, long now) {
    ModelNotification n = new ModelNotification(notifications.size(), id, spec, now);
    notifications.add(n);
    byId.put(id, n);
    if (spec.idempotencyKey() != null) {
      idempotency.put(
          spec.producer() + "\n" + spec.idempotencyKey(),
          new Idem(spec.producer(), spec.idempotencyKey(), id, now));
    }
    stats.add("notifications_accepted", 1);
    stats.add("routes_accepted", n.routes.size());
    totals.add("accepted:" + n.type(), n.routes.size());
    return n;
  }

  // ---- cancel, dead letters, retention ----

  /** Cancels every route not published yet; returns {cancelled, published}. */
  int[] cancel(ModelNotification n, long now) {
    int cancelled = 0;
    int published = 0;
    for (ModelRoute r : n.routes) {
      if (r.waiting() || r.state == RouteState.DEAD_LETTER) {
        n.end(r, RouteState.CANCELLED, r.attempts, now);
        r.deadClassification = null;
        totals.add("cancelled:" + n.type(), 1);
        cancelled++;
      } else if (r.state == RouteState.PUBLISHED) {
        published++;
      }
    }
    n.leases.clear();
    stats.add("cancelled", cancelled);
    finish(n, cancelled, now);
    return new int[] {cancelled, published};
  }

  /** Requeues a dead letter; false (and nothing changes) when the route is not one. */
  boolean requeue(ModelNotification n, int index, boolean keepAttempts, long at, long now) {
    ModelRoute r = n.routes.get(index);
    if (r.state != RouteState.DEAD_LETTER) {
      return false;
    }
    long due = Math.max(at, now);
    GroupLease lease = n.lease(index);
    if (lease != null && due <= lease.claimedAt()) {
      // Due after the lease's start, so that the route is not one the lease covers.
      due = lease.claimedAt() + 1;
    }
    r.waitUntil(keepAttempts ? r.attempts : 0, due);
    r.deadClassification = null;
    stats.add("requeued", 1);
    totals.add("requeued:" + n.type(), 1);
    return true;
  }

  /** Purges a dead letter; false (and nothing changes) when the route is not one. */
  boolean purge(ModelNotification n, int index, long now) {
    ModelRoute r = n.routes.get(index);
    if (r.state != RouteState.DEAD_LETTER) {
      return false;
    }
    n.end(r, RouteState.PURGED, r.attempts, now);
    r.deadClassification = null;
    stats.add("purged", 1);
    totals.add("purged:" + n.type(), 1);
    finish(n, 1, now);
    return true;
  }

  /**
   * The dead-letter retention: of the dead letters, oldest first (dead since, then the name of
   * their index entry), up to {@code limit} beyond the {@code keep} newest or dead before {@code
   * deadBefore} are purged. Returns {purged for the count, purged for the age}.
   */
  int[] purgeOldest(Long keep, Long deadBefore, int limit, long now) {
    List<ModelNotification> owners = new ArrayList<>();
    List<ModelRoute> dead = new ArrayList<>();
    for (ModelNotification n : liveNotifications()) {
      for (ModelRoute r : n.routes) {
        if (r.state == RouteState.DEAD_LETTER) {
          owners.add(n);
          dead.add(r);
        }
      }
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < dead.size(); i++) {
      order.add(i);
    }
    order.sort(
        java.util.Comparator.<Integer>comparingLong(i -> dead.get(i).endedAt)
            .thenComparing(i -> owners.get(i).id + ":" + dead.get(i).index));
    long overCount = keep == null ? 0 : Math.max(0, dead.size() - keep);
    long overAge =
        deadBefore == null ? 0 : dead.stream().filter(r -> r.endedAt < deadBefore).count();
    int n = (int) Math.min(limit, Math.max(overCount, overAge));
    int[] purged = new int[2];
    for (int k = 0; k < n; k++) {
      int i = order.get(k);
      boolean old = deadBefore != null && dead.get(i).endedAt < deadBefore;
      purge(owners.get(i), dead.get(i).index, now);
      purged[old ? 1 : 0]++;
    }
    stats.add("purged_by_retention", n);
    return purged;
  }

  /** The notifications whose retention ran out by {@code now} are deleted; returns how many. */
  int retire(long now) {
    int retired = 0;
    for (ModelNotification n : notifications) {
      if (!n.retired && n.finishedAt != null && n.finishedAt + retentionMs <= now) {
        n.retired = true;
        retired++;
      }
    }
    stats.add("notifications_retired", retired);
    return retired;
  }

  /** {@code count} routes of {@code n} just finished; the last one starts its retention. */
  void finish(ModelNotification n, int count, long now) {
    if (count > 0 && n.open() == 0) {
      n.finishedAt = now;
    }
  }

  // ---- figures ----

  /**
   * The route figures by type ({@code herald:stats:types}): the ones that describe routes now
   * ({@code pending}, {@code failed}, {@code dead_letter.<classification>}) counted from the table,
   * the totals as they were added up.
   */
  Map<String, Long> figures() {
    Tally now = new Tally();
    for (ModelNotification n : notifications) {
      for (ModelRoute r : n.routes) {
        String figure = r.figureNow();
        if (figure != null) {
          now.add(figure + ":" + n.type(), 1);
        }
      }
    }
    Map<String, Long> all = new java.util.TreeMap<>(totals.nonZero());
    now.nonZero().forEach((k, v) -> all.merge(k, v, Long::sum));
    return Tally.nonZero(all);
  }

  long routesPublished() {
    return appended.size();
  }
}
