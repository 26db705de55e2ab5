package dev.herald.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One accepted notification in the model: what was accepted, its routes, and the leases on its
 * groups. Route {@code i} is channel {@code i / recipients} and recipient {@code i % recipients}
 * (the documented index of {@link dev.herald.domain.Notification}).
 */
final class ModelNotification {

  /** Routes are scheduled and leased in groups of this many consecutive indexes. */
  static final int GROUP = 64;

  final int ordinal;
  final String id;
  final NotificationSpec spec;
  final List<String> recipients;
  final long acceptedAt;
  final long sendAt;
  final Long expiresAt;
  final List<ModelRoute> routes = new ArrayList<>();

  /**
   * First index of a group → the lease on it; a lease stays until completed, replaced or removed.
   */
  final Map<Integer, GroupLease> leases = new TreeMap<>();

  /** When its last unfinished route finished (ms); null while some route is unfinished. */
  Long finishedAt;

  boolean retired;

  private int unfinished;

  ModelNotification(int ordinal, String id, NotificationSpec spec, long acceptedAt) {
    this.ordinal = ordinal;
    this.id = id;
    this.spec = spec;
    this.recipients = spec.distinctRecipients();
    this.acceptedAt = acceptedAt;
    this.sendAt = acceptedAt + spec.sendAfterMs();
    this.expiresAt = spec.expiresAfterMs() == null ? null : sendAt + spec.expiresAfterMs();
    for (String channel : spec.channels()) {
      for (String recipient : recipients) {
        routes.add(new ModelRoute(routes.size(), channel, recipient, sendAt));
      }
    }
    unfinished = routes.size();
  }

  static int groupOf(int index) {
    return index - index % GROUP;
  }

  /** The schedule member of the group that starts at {@code first}: {@code <id>:<first>-<last>}. */
  String member(int first) {
    return id + ":" + first + "-" + Math.min(first + GROUP - 1, routes.size() - 1);
  }

  String type() {
    return spec.type();
  }

  /** Routes not finished (dead letters included): the store's {@code open} field. */
  int open() {
    return unfinished;
  }

  /** Ends a route, keeping {@link #open} in step. */
  void end(ModelRoute r, dev.herald.domain.RouteState to, int attempts, long at) {
    boolean wasOpen = !r.finished();
    r.end(to, attempts, at);
    if (wasOpen && r.finished()) {
      unfinished--;
    }
  }

  boolean expiredAt(long now) {
    return expiresAt != null && now >= expiresAt;
  }

  GroupLease lease(int index) {
    return leases.get(groupOf(index));
  }

  /**
   * The lease the store shows a route under: a waiting route that was due when its group's lease
   * was taken is leased, whether or not the holder was handed it (a claim that ran out of budget
   * part-way through a group leaves the rest of the group to that batch's completion).
   */
  GroupLease shownLease(ModelRoute r) {
    GroupLease l = lease(r.index);
    return l != null && r.waiting() && r.due <= l.claimedAt() ? l : null;
  }

  boolean hasDeadLetter() {
    return routes.stream().anyMatch(r -> r.state == dev.herald.domain.RouteState.DEAD_LETTER);
  }

  boolean hasFailureHistory() {
    return routes.stream().anyMatch(r -> r.failures > 0);
  }

  @Override
  public String toString() {
    return "#" + ordinal + " " + id + " (" + routes.size() + " routes)";
  }
}
