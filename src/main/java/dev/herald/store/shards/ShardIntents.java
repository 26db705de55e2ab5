package dev.herald.store.shards;

import dev.herald.domain.CancelRequest;
import dev.herald.domain.Notification;
import dev.herald.domain.Shards;
import dev.herald.store.AcceptResult;
import dev.herald.store.CancelResult;
import dev.herald.store.IntakeSnapshot;
import dev.herald.store.Intent;
import dev.herald.store.IntentDecision;
import dev.herald.store.IntentResult;
import dev.herald.store.IntentResult.Status;
import dev.herald.store.IntentStream;
import dev.herald.store.NotificationRefusedException;
import dev.herald.store.NotificationStore;
import dev.herald.store.RejectedIntent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One shard's intents stream, whose intents may have their effect in another shard: a notification
 * with an idempotency key belongs to its key's shard, a cancel to its target's. A settle first
 * stores those effects where they belong ({@link NotificationStore}: one accept call per shard, a
 * cancel each), in stream order, then settles the batch in this shard in one step, those entries
 * acknowledged only ({@link IntentDecision.Settled}); everything else (a notification without a
 * key, made in this shard; a reject; a cancel of this shard) is as on one Redis, one atomic step.
 *
 * <p>Exactly once rests on the ids: the intake makes the notification of an intent of a shard's
 * stream under an id derived from the stream and the entry, as of the entry's time ({@link
 * IntentStream#shard}). A crash (or a lost reply) between the accept and the settle leaves the
 * intent pending; its next settle (this consumer's, or a take-over's) accepts it again with the
 * same id and the same record, which the store recognises as stored already ({@link
 * AcceptResult.Status#ALREADY_STORED}), and reports accepted; a cancel sent twice cancels nothing
 * more. So each intent is accepted once and acknowledged once.
 */
public final class ShardIntents implements IntentStream {

  private final IntentStream local;
  private final NotificationStore notifications;
  private final Shards layout;
  private final int index;

  /**
   * @param local this shard's intents stream; settles what is this shard's
   * @param notifications every shard's notifications, each call sent to the shard it names
   * @param index this shard's number
   */
  public ShardIntents(
      IntentStream local, NotificationStore notifications, Shards layout, int index) {
    this.local = local;
    this.notifications = notifications;
    this.layout = layout;
    this.index = index;
  }

  @Override
  public Shard shard() {
    return local.shard();
  }

  @Override
  public void createGroup() {
    local.createGroup();
  }

  @Override
  public List<Intent> read(String consumer, int max, Duration block) {
    return local.read(consumer, max, block);
  }

  @Override
  public List<Intent> readPending(String consumer, int max) {
    return local.readPending(consumer, max);
  }

  @Override
  public ClaimedIntents claimIdle(String consumer, Duration minIdle, int max, String cursor) {
    return local.claimIdle(consumer, minIdle, max, cursor);
  }

  @Override
  public List<IntentResult> settle(
      List<IntentDecision> decisions, Instant now, Duration idempotencyWindow) {
    List<IntentDecision> here = new ArrayList<>(decisions);
    List<Integer> accepts = new ArrayList<>(); // elsewhere, not stored yet, in stream order
    for (int i = 0; i < here.size(); i++) {
      IntentDecision d = here.get(i);
      if (d instanceof IntentDecision.Accept a && layout.ofId(a.notification().id()) != index) {
        accepts.add(i);
      } else if (d instanceof IntentDecision.Cancel c && shardOf(c.request()) != index) {
        // The accepts before it first: a cancel by key finds a notification of the same batch.
        acceptElsewhere(here, accepts, now, idempotencyWindow);
        here.set(i, cancelElsewhere(c, now, idempotencyWindow));
      }
    }
    acceptElsewhere(here, accepts, now, idempotencyWindow);
    List<IntentResult> results = new ArrayList<>(local.settle(here, now, idempotencyWindow));
    for (int i = 0; i < results.size(); i++) {
      IntentResult r = results.get(i);
      // A rejection this class decided (the other shard refused the accept) is the store's own,
      // with its reason, as intake.lua reports the ones it finds.
      if (r.status() == Status.REJECTED
          && r.reason() == null
          && decisions.get(i) instanceof IntentDecision.Accept
          && here.get(i) instanceof IntentDecision.Reject j) {
        results.set(i, new IntentResult(r.entryId(), Status.REJECTED, null, j.reason()));
      }
    }
    return results;
  }

  private int shardOf(CancelRequest r) {
    return r.notificationId() != null
        ? layout.ofId(r.notificationId())
        : layout.ofIdempotencyKey(r.producer(), r.idempotencyKey());
  }

  /**
   * Stores the notifications of {@code positions} in their shards and turns their decisions into
   * acknowledgements; one the store refuses (its id in use by another record, a key of another
   * type) becomes a rejection with the reason, and the rest are sent again without it.
   */
  private void acceptElsewhere(
      List<IntentDecision> here, List<Integer> positions, Instant now, Duration window) {
    while (!positions.isEmpty()) {
      List<Notification> batch = new ArrayList<>(positions.size());
      positions.forEach(p -> batch.add(((IntentDecision.Accept) here.get(p)).notification()));
      List<AcceptResult> results;
      try {
        results = notifications.accept(batch, now, window);
      } catch (NotificationRefusedException refused) {
        int at = refusedAt(batch, refused.notificationId());
        int position = positions.remove(at);
        here.set(
            position,
            new IntentDecision.Reject(
                here.get(position).entryId(), "(intent): " + refused.getMessage()));
        continue;
      }
      for (int k = 0; k < results.size(); k++) {
        AcceptResult r = results.get(k);
        int position = positions.get(k);
        Status status =
            r.status() == AcceptResult.Status.DUPLICATE ? Status.DUPLICATE : Status.ACCEPTED;
        here.set(
            position,
            new IntentDecision.Settled(
                here.get(position).entryId(),
                new IntentResult(here.get(position).entryId(), status, r.notificationId())));
      }
      positions.clear();
    }
  }

  private static int refusedAt(List<Notification> batch, String id) {
    for (int k = 0; k < batch.size(); k++) {
      if (batch.get(k).id().equalsIgnoreCase(id)) {
        return k;
      }
    }
    throw new IllegalStateException("the store refused " + id + ", which was not sent");
  }

  /** Cancels in the target's shard; a cancel that names no notification is rejected here. */
  private IntentDecision cancelElsewhere(IntentDecision.Cancel c, Instant now, Duration window) {
    Optional<CancelResult> done = notifications.cancel(c.request(), now, window);
    if (done.isEmpty()) {
      return new IntentDecision.Reject(c.entryId(), c.reasonIfUnknown());
    }
    CancelResult r = done.get();
    return new IntentDecision.Settled(
        c.entryId(),
        new IntentResult(
            c.entryId(),
            Status.CANCELLED,
            r.notificationId(),
            r.cancelled(),
            r.published(),
            null,
            r.routes()));
  }

  @Override
  public List<RejectedIntent> rejected(String before, int limit) {
    return local.rejected(before, limit);
  }

  @Override
  public IntakeSnapshot snapshot() {
    return local.snapshot();
  }
}
