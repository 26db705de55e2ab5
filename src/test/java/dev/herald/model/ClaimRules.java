package dev.herald.model;

import dev.herald.domain.RouteState;
import dev.herald.store.ClaimedRoute;
import dev.herald.store.PublishedRoute;
import dev.herald.store.RouteRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The model's rules for claims (RouteStore's contract, README "How it works"): a claim hands out
 * only waiting routes that are due, of groups whose lease (if any) ran out, of notifications not
 * expired, and leases their groups to its token. A claim that reaches a due group of an expired
 * notification ends all the group's waiting routes expired: which groups a claim reaches is the
 * schedule's business, so the model learns it from the store and checks that whole groups of
 * expired notifications, whose lease had run out, were ended.
 */
final class ClaimRules {

  private final RouteModel model;

  ClaimRules(RouteModel model) {
    this.model = model;
  }

  /**
   * Checks a claim's reply against the model and leases what it handed out.
   *
   * @param maxBytes the claim's byte budget: it stops before a route whose event would go past it,
   *     but always takes one; with a budget of one byte it takes exactly one route
   * @param dueGroups schedule entries due at {@code now} just before the claim: when there were no
   *     more than {@code max}, the claim reached every one of them, so, unless it had no room to
   *     spare (routes or bytes), it must have handed out every route a claim may take
   * @param stoppedByBytes the claim says its byte budget stopped it with routes still due
   */
  void claimed(
      String token,
      long now,
      long until,
      int max,
      long maxBytes,
      long dueGroups,
      List<ClaimedRoute> leased,
      List<PublishedRoute> published,
      boolean stoppedByBytes) {
    // Routes published inline are handed out as leased ones are, and count against the same
    // limits; they end published at once instead of leased.
    List<ClaimedRoute> routes = new java.util.ArrayList<>(leased);
    published.forEach(p -> routes.add(p.route()));
    java.util.Set<String> claimable = new java.util.LinkedHashSet<>();
    boolean reachedAll = dueGroups <= max;
    if (reachedAll) {
      for (ModelNotification n : model.liveNotifications()) {
        for (ModelRoute r : n.routes) {
          if (notClaimable(n, r, now) == null) {
            claimable.add(n.id + "/" + r.index);
          }
        }
      }
    }
    if (maxBytes == 1 && reachedAll) {
      Mismatch.check(
          routes.size() == Math.min(1, claimable.size())
              && stoppedByBytes == (max > 1 && claimable.size() > 1),
          "claim %s with a budget of one byte handed out %d routes (stopped by bytes: %s) of %d"
              + " a claim may take",
          token,
          routes.size(),
          stoppedByBytes,
          claimable.size());
    }
    Mismatch.check(
        !stoppedByBytes || !routes.isEmpty(),
        "claim %s says its byte budget stopped it, yet handed out nothing",
        token);
    if (routes.size() >= max || stoppedByBytes) {
      claimable.clear(); // no room to spare: which due routes it left is the schedule's business
    }
    Mismatch.check(
        routes.size() <= max,
        "claim %s handed out %d routes, more than %d",
        token,
        routes.size(),
        max);
    Map<ModelNotification, Map<Integer, Set<Integer>>> groups = new IdentityHashMap<>();
    for (ClaimedRoute cr : routes) {
      ModelNotification n = model.live(cr.notificationId());
      Mismatch.check(
          n != null,
          "claim %s handed out route #%d of %s, a notification the model does not hold",
          token,
          cr.index(),
          cr.notificationId());
      Mismatch.check(
          cr.index() >= 0 && cr.index() < n.routes.size(),
          "claim %s handed out route #%d of %s, which has %d routes",
          token,
          cr.index(),
          n,
          n.routes.size());
      ModelRoute r = n.routes.get(cr.index());
      String why = notClaimable(n, r, now);
      Mismatch.check(why == null, "claim %s at %d handed out %s of %s: %s", token, now, r, n, why);
      Mismatch.check(
          cr.attempts() == r.attempts && cr.dueAt().toEpochMilli() == r.due,
          "claim %s handed out %s of %s with attempts %d due %d; the model has attempts %d due %d",
          token,
          r,
          n,
          cr.attempts(),
          cr.dueAt().toEpochMilli(),
          r.attempts,
          r.due);
      Set<Integer> covered =
          groups
              .computeIfAbsent(n, k -> new HashMap<>())
              .computeIfAbsent(ModelNotification.groupOf(r.index), k -> new HashSet<>());
      Mismatch.check(covered.add(r.index), "claim %s handed out %s of %s twice", token, r, n);
    }
    for (ClaimedRoute cr : routes) {
      claimable.remove(cr.notificationId() + "/" + cr.index());
    }
    Mismatch.check(
        claimable.isEmpty(),
        "claim %s at %d handed out %d of at most %d routes, %d groups were due, yet it left %s",
        token,
        now,
        routes.size(),
        max,
        dueGroups,
        claimable.stream().limit(5).toList() + (claimable.size() > 5 ? "…" : ""));
    Map<ModelNotification, Map<Integer, Set<Integer>>> leasedGroups = new IdentityHashMap<>();
    for (ClaimedRoute cr : leased) {
      ModelNotification n = model.live(cr.notificationId());
      leasedGroups
          .computeIfAbsent(n, k -> new HashMap<>())
          .computeIfAbsent(ModelNotification.groupOf(cr.index()), k -> new HashSet<>())
          .add(cr.index());
    }
    leasedGroups.forEach(
        (n, byGroup) ->
            byGroup.forEach(
                (first, covered) ->
                    n.leases.put(first, new GroupLease(token, until, now, covered))));
    for (PublishedRoute p : published) {
      ModelNotification n = model.live(p.route().notificationId());
      ModelRoute r = n.routes.get(p.route().index());
      int first = ModelNotification.groupOf(r.index);
      if (!leasedGroups.getOrDefault(n, Map.of()).containsKey(first)) {
        n.leases.remove(first); // a lease that ran out goes with the routes it covered
      }
      n.end(r, RouteState.PUBLISHED, r.attempts + 1, now);
      r.entryId = null; // the claim's reply carries none: StoreCheck learns it from the stream
      model.totals.add("published:" + n.type(), 1);
      model.stats.add("published", 1);
      model.appendsThisStep.put(RouteModel.eventId(n, r), r);
      model.finish(n, 1, now);
    }
  }

  /** Null when a claim at {@code now} may hand the route out, else why not. */
  static String notClaimable(ModelNotification n, ModelRoute r, long now) {
    if (!r.waiting()) {
      return "it is " + r.state.displayName();
    }
    if (r.due > now) {
      return "it is due only at " + r.due;
    }
    GroupLease lease = n.lease(r.index);
    if (lease != null && lease.liveAt(now)) {
      return "its group is leased to " + lease.token() + " until " + lease.until();
    }
    if (n.expiredAt(now)) {
      return "its notification expired at " + n.expiresAt;
    }
    return null;
  }

  /**
   * After a claim at {@code now}: the routes the store shows expired that the model has waiting
   * must be whole groups of an expired notification whose lease had run out.
   */
  int adoptExpiry(ModelNotification n, List<RouteRecord> stored, long now) {
    int adopted = 0;
    for (int first = 0; first < n.routes.size(); first += ModelNotification.GROUP) {
      List<ModelRoute> waiting = new ArrayList<>();
      List<ModelRoute> expired = new ArrayList<>();
      for (int i = first; i < Math.min(first + ModelNotification.GROUP, n.routes.size()); i++) {
        ModelRoute r = n.routes.get(i);
        if (r.waiting()) {
          waiting.add(r);
          if (stored.get(i).state() == RouteState.EXPIRED) {
            expired.add(r);
          }
        }
      }
      if (expired.isEmpty()) {
        continue;
      }
      GroupLease lease = n.leases.get(first);
      Mismatch.check(
          n.expiredAt(now),
          "a claim at %d expired %s of %s, which expires at %s",
          now,
          expired,
          n,
          n.expiresAt);
      Mismatch.check(
          lease == null || !lease.liveAt(now),
          "a claim at %d expired %s of %s while %s held the group's lease until %d",
          now,
          expired,
          n,
          lease == null ? null : lease.token(),
          lease == null ? 0 : lease.until());
      Mismatch.check(
          expired.size() == waiting.size(),
          "a claim at %d expired only %s of the waiting routes %s of group %d of %s",
          now,
          expired,
          waiting,
          first,
          n);
      for (ModelRoute r : expired) {
        n.end(r, RouteState.EXPIRED, r.attempts, now);
        model.totals.add("expired:" + n.type(), 1);
      }
      n.leases.remove(first);
      model.stats.add("expired", expired.size());
      model.finish(n, expired.size(), now);
      adopted += expired.size();
    }
    return adopted;
  }

  /**
   * Adopts what a claim whose reply was lost did to {@code n}: the groups the store shows leased to
   * its token, and, when the claim could publish inline, the routes it shows published by it (at
   * the claim's {@code now}, from waiting). Returns how many it published.
   */
  int adoptLostClaim(
      String token,
      long now,
      long until,
      ModelNotification n,
      List<RouteRecord> stored,
      boolean inline) {
    Map<Integer, Set<Integer>> groups = new HashMap<>();
    List<ModelRoute> published = new java.util.ArrayList<>();
    for (int i = 0; i < n.routes.size(); i++) {
      RouteRecord s = stored.get(i);
      ModelRoute r = n.routes.get(i);
      if (s.state() == RouteState.LEASED && token.equals(s.leaseToken())) {
        String why = notClaimable(n, r, now);
        Mismatch.check(why == null, "lost claim %s leased %s of %s: %s", token, r, n, why);
        groups.computeIfAbsent(ModelNotification.groupOf(i), k -> new HashSet<>());
      } else if (s.state() == RouteState.PUBLISHED && r.waiting()) {
        String why = notClaimable(n, r, now);
        Mismatch.check(
            inline
                && why == null
                && s.publishedAt() != null
                && s.publishedAt().toEpochMilli() == now,
            "%s of %s is stored published at %s; the model has it %s, and lost claim %s at %d%s",
            r,
            n,
            s.publishedAt(),
            r.state.displayName(),
            token,
            now,
            inline ? " could publish it only if claimable: " + why : " published nothing inline");
        published.add(r);
      }
    }
    groups
        .keySet()
        .forEach(first -> n.leases.put(first, new GroupLease(token, until, now, Set.of())));
    for (ModelRoute r : published) {
      int first = ModelNotification.groupOf(r.index);
      if (!groups.containsKey(first)) {
        n.leases.remove(first); // a lease that ran out goes with the routes it covered
      }
      n.end(r, RouteState.PUBLISHED, r.attempts + 1, now);
      r.entryId = stored.get(r.index).entryId();
      model.totals.add("published:" + n.type(), 1);
      model.stats.add("published", 1);
      model.appendsThisStep.put(RouteModel.eventId(n, r), r);
      model.finish(n, 1, now);
    }
    return published.size();
  }
}
