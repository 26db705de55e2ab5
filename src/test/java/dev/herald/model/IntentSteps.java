package dev.herald.model;

import dev.herald.domain.Notification;
import dev.herald.store.StoreException;
import dev.herald.store.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.ScanParams;

/**
 * Intents written to the intents stream with a plain {@code XADD}, and one round of the intake
 * ({@link dev.herald.intake.IntakeCycle}) under a fault, then, if the round failed, one more
 * without, as the intake loop would run it after backing off. Every intent is settled exactly once
 * in stream order: an accept as {@link IntakeSteps#accept} (duplicates by idempotency key, earlier
 * intents of the batch included), a cancel as {@link IntakeSteps#cancel}; invalid ones, and cancels
 * that name no notification, go to the rejected stream. The intake chooses the ids, so the model
 * learns them from the records it finds new, each matched to the intent it stores.
 */
final class IntentSteps {

  /** One intent: a notification to accept, or a cancel of the {@code ordinal}-th one. */
  record Item(NotificationSpec accept, Integer cancelOrdinal, boolean byKey) {

    @Override
    public String toString() {
      return accept != null
          ? accept.toString()
          : "cancel #" + cancelOrdinal + (byKey ? " by idempotency key" : "");
    }
  }

  private final World w;

  IntentSteps(World w) {
    this.w = w;
  }

  void submit(List<Item> items, Fault fault) {
    Instant at = w.sut.clock.instant();
    long now = at.toEpochMilli();
    HeraldUnderTest sut = w.sut;
    long rejectedBefore = length(sut.intentNames.rejectedStream());
    List<Target> targets = new ArrayList<>();
    for (Item item : items) {
      targets.add(item.accept() != null ? null : target(item, now));
      String json =
          item.accept() != null
              ? item.accept().intentJson(at)
              : cancelJson(item, targets.get(targets.size() - 1));
      sut.raw.xadd(sut.intentNames.stream(), StreamEntryID.NEW_ENTRY, Map.of("intent", json));
    }
    sut.intents.use(fault);
    try {
      sut.under(fault, () -> sut.intakeCycle.runOnce(Duration.ZERO));
    } catch (StoreUnavailableException | StoreException e) {
      boolean lost = sut.dropped();
      Mismatch.check(
          fault == Fault.OOM || lost, "an intake round failed with no fault to explain it: %s", e);
      w.note("the intake round failed" + (lost ? " (its reply lost)" : "") + ": " + e);
      w.seen.add(lost ? "intents settle reply lost" : "intents settle refused");
      sut.intents.use(Fault.NONE);
      sut.intakeCycle.runOnce(Duration.ZERO); // the intents a failed round left pending
    } finally {
      sut.intents.use(Fault.NONE);
    }
    Mismatch.check(
        length(sut.intentNames.stream()) == 0,
        "the intents stream still holds %d entries after the intake",
        length(sut.intentNames.stream()));
    List<Notification> fresh = newRecords();
    int rejects = 0;
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      if (item.accept() != null) {
        rejects += accept(item.accept(), now, fresh) ? 0 : 1;
      } else {
        Target t = targets.get(i);
        ModelNotification n = t == null ? null : t.now(w.model, now);
        if (n == null) {
          rejects++;
          w.note("cancel intent names no notification: rejected");
        } else {
          int[] counts = w.model.cancel(n, now);
          w.note("cancel intent: " + n + " cancelled " + counts[0]);
        }
      }
    }
    Mismatch.check(
        fresh.isEmpty(),
        "the intake stored %s, which no intent asked for",
        fresh.stream().map(Notification::id).toList());
    long rejected = length(sut.intentNames.rejectedStream()) - rejectedBefore;
    Mismatch.check(
        rejected == rejects,
        "the rejected stream got %d entries; the model rejected %d intents",
        rejected,
        rejects);
    w.model.stats.add("intents_rejected", rejects);
    w.model.stats.add("intents_acknowledged", items.size());
  }

  /**
   * What a cancel intent names: a notification by id, or an idempotency key (looked up when the
   * intent is settled, after the intents before it).
   */
  private record Target(ModelNotification byId, NotificationSpec byKey) {
    ModelNotification now(RouteModel model, long now) {
      if (byId != null) {
        return model.live(byId.id);
      }
      return model
          .idempotentId(byKey.producer(), byKey.idempotencyKey(), now)
          .map(model::live)
          .orElse(null);
    }
  }

  private Target target(Item item, long now) {
    ModelNotification n = w.model.byOrdinal(item.cancelOrdinal());
    if (n == null) {
      return null;
    }
    return item.byKey() && n.spec.idempotencyKey() != null
        ? new Target(null, n.spec)
        : new Target(n, null);
  }

  private static String cancelJson(Item item, Target t) {
    if (t == null) {
      return "{\"cancel\":\"01ZZZZZZZZZZZZZZZZZZZZZZZZ\"}";
    }
    if (t.byKey() != null) {
      return "{\"cancel_idempotency_key\":\""
          + t.byKey().idempotencyKey()
          + "\",\"producer\":\""
          + t.byKey().producer()
          + "\"}";
    }
    return "{\"cancel\":\"" + t.byId().id + "\"}";
  }

  /** Applies an accept intent; false when the model expects it rejected. */
  private boolean accept(NotificationSpec spec, long now, List<Notification> fresh) {
    if (spec.invalid()) {
      w.note("intent " + spec + ": rejected");
      return false;
    }
    String duplicateOf =
        w.model.idempotentId(spec.producer(), spec.idempotencyKey(), now).orElse(null);
    if (duplicateOf != null) {
      w.note("intent " + spec + ": a duplicate of " + duplicateOf);
      return true;
    }
    Notification stored = fresh.stream().filter(s -> stores(spec, s, now)).findFirst().orElse(null);
    Mismatch.check(stored != null, "the intake stored nothing for the intent %s", spec);
    fresh.remove(stored);
    w.note(
        "intent #" + w.model.accept(stored.id(), spec, now).ordinal + " accepted: " + stored.id());
    return true;
  }

  /** The record is what the intent asked for, accepted at {@code now}. */
  private static boolean stores(NotificationSpec spec, Notification s, long now) {
    long sendAt = now + spec.sendAfterMs();
    return s.type().equals(spec.type())
        && s.producer().equals(spec.producer())
        && Objects.equals(s.idempotencyKey(), spec.idempotencyKey())
        && s.recipients().equals(spec.distinctRecipients())
        && s.channels().equals(spec.channels())
        && s.sendAt().toEpochMilli() == sendAt
        && Objects.equals(
            s.expiresAt() == null ? null : s.expiresAt().toEpochMilli(),
            spec.expiresAfterMs() == null ? null : sendAt + spec.expiresAfterMs())
        && Objects.equals(s.maxAttempts(), spec.maxAttempts())
        && s.acceptedAt().toEpochMilli() == now;
  }

  /** The notification records of the namespace the model does not hold yet. */
  private List<Notification> newRecords() {
    List<Notification> out = new ArrayList<>();
    String prefix = w.sut.keys.prefix() + "n:";
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      var page = w.sut.raw.scan(cursor, new ScanParams().match(prefix + "*").count(1000));
      for (String key : page.getResult()) {
        String id = key.substring(prefix.length());
        if (!w.model.byId.containsKey(id)) {
          out.add(w.sut.direct.notifications().find(id).orElseThrow().notification());
        }
      }
      cursor = page.getCursor();
    } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    return out;
  }

  private long length(String stream) {
    return w.sut.raw.exists(stream) ? w.sut.raw.xlen(stream) : 0;
  }
}
