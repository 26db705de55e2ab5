package dev.herald.model;

import dev.herald.domain.Failure;
import dev.herald.domain.Notification;
import dev.herald.domain.RouteState;
import dev.herald.store.NotificationRecord;
import dev.herald.store.RouteRecord;
import java.time.Instant;
import java.util.Objects;

/**
 * Every route of every notification the model holds is stored as the model has it (through the
 * store's own {@code find}), with its notification's record, {@code open} count and place in the
 * retention index.
 */
final class RouteCheck {

  private final RouteModel model;
  private final HeraldUnderTest sut;

  RouteCheck(RouteModel model, HeraldUnderTest sut) {
    this.model = model;
    this.sut = sut;
  }

  /** Every route of every notification the model holds is stored as the model has it. */
  void check() {
    for (ModelNotification n : model.notifications) {
      if (n.retired) {
        continue; // the key scan checks that nothing of it is left
      }
      NotificationRecord stored = sut.direct.notifications().find(n.id).orElse(null);
      Mismatch.check(stored != null, "%s is missing from the store", n);
      notification(n, stored.notification());
      Mismatch.check(
          stored.routes().size() == n.routes.size(),
          "%s has %d routes in the store",
          n,
          stored.routes().size());
      for (ModelRoute r : n.routes) {
        route(n, r, stored.routes().get(r.index));
      }
      // Stored format 3: a notification no script has changed yet has no route hash, and all
      // its routes must then be untouched (find read them from the record alone).
      boolean hashed = sut.raw.exists(sut.keys.routes(n.id));
      Mismatch.check(
          hashed || n.routes.stream().allMatch(r -> r.untouched() && r.due == n.sendAt),
          "%s has no route hash but routes the model has changed",
          n);
      String open =
          hashed ? sut.raw.hget(sut.keys.routes(n.id), "open") : Integer.toString(n.routes.size());
      Mismatch.check(
          Integer.toString(n.open()).equals(open),
          "%s: open is %s in the store, the model has %d unfinished routes",
          n,
          open,
          n.open());
      Double retireAt = sut.raw.zscore(sut.keys.retention(), n.id);
      Long expected = n.finishedAt == null ? null : n.finishedAt + model.retentionMs;
      Mismatch.check(
          Objects.equals(retireAt == null ? null : retireAt.longValue(), expected),
          "%s: retention index says %s, the model %s (finished at %s)",
          n,
          retireAt,
          expected,
          n.finishedAt);
    }
  }

  private static void notification(ModelNotification n, Notification s) {
    NotificationSpec spec = n.spec;
    Mismatch.check(
        s.type().equals(spec.type())
            && s.producer().equals(spec.producer())
            && Objects.equals(s.idempotencyKey(), spec.idempotencyKey())
            && s.recipients().equals(n.recipients)
            && s.channels().equals(spec.channels())
            && s.sendAt().toEpochMilli() == n.sendAt
            && Objects.equals(
                s.expiresAt() == null ? null : s.expiresAt().toEpochMilli(), n.expiresAt)
            && Objects.equals(s.maxAttempts(), spec.maxAttempts())
            && s.acceptedAt().toEpochMilli() == n.acceptedAt,
        "%s is stored as %s; the model accepted %s at %d",
        n,
        s,
        spec,
        n.acceptedAt);
  }

  private static void route(ModelNotification n, ModelRoute m, RouteRecord s) {
    GroupLease lease = n.shownLease(m);
    RouteState state = lease != null ? RouteState.LEASED : m.state;
    String expected = m + (lease == null ? "" : " leased to " + lease.token());
    Mismatch.check(
        s.state() == state && s.attempts() == m.attempts,
        "%s of %s is stored %s with %d attempts; the model has %s",
        m.routeId(),
        n,
        s.state().displayName(),
        s.attempts(),
        expected);
    Mismatch.check(
        s.routeId() != null && s.routeId().toString().equals(m.routeId()),
        "route #%d of %s is stored as %s, the model has %s",
        m.index,
        n,
        s.routeId(),
        m.routeId());
    if (m.waiting()) {
      Mismatch.check(
          millis(s.nextAttemptAt()) == m.due,
          "%s of %s is due at %s in the store, at %d in the model",
          m,
          n,
          s.nextAttemptAt(),
          m.due);
    }
    if (lease != null) {
      Mismatch.check(
          lease.token().equals(s.leaseToken()) && millis(s.leaseUntil()) == lease.until(),
          "%s of %s is leased to %s until %s in the store; the model has %s until %d",
          m,
          n,
          s.leaseToken(),
          s.leaseUntil(),
          lease.token(),
          lease.until());
    }
    if (m.state == RouteState.PUBLISHED) {
      Mismatch.check(
          millis(s.publishedAt()) == m.endedAt
              && (m.entryId == null || m.entryId.equals(s.entryId())),
          "%s of %s published at %s as %s in the store; the model: at %d as %s",
          m,
          n,
          s.publishedAt(),
          s.entryId(),
          m.endedAt,
          m.entryId);
    } else if (!m.waiting()) {
      Mismatch.check(
          millis(s.deadAt()) == m.endedAt,
          "%s of %s ended at %s in the store, at %d in the model",
          m,
          n,
          s.deadAt(),
          m.endedAt);
    }
    Failure last = s.lastFailure();
    Mismatch.check(
        s.failures().size() == m.failures
            && (m.failures == 0
                || (last.kind().wireName().equals(m.lastFailureKind)
                    && last.attempt() == m.lastFailureAttempt)),
        "%s of %s keeps %d failures (last %s) in the store; the model %d (last %s at attempt %d)",
        m,
        n,
        s.failures().size(),
        last,
        m.failures,
        m.lastFailureKind,
        m.lastFailureAttempt);
  }

  private static long millis(Instant t) {
    return t == null ? Long.MIN_VALUE : t.toEpochMilli();
  }
}
