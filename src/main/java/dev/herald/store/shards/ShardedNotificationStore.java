package dev.herald.store.shards;

import dev.herald.domain.CancelRequest;
import dev.herald.domain.Notification;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.Shards;
import dev.herald.store.AcceptResult;
import dev.herald.store.CancelResult;
import dev.herald.store.NotificationRecord;
import dev.herald.store.NotificationStore;
import dev.herald.store.StoreOutcomeUnknownException;
import dev.herald.store.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link NotificationStore} over shards: each notification goes to the shard its id names (an id
 * with an idempotency key was made in its key's shard, so the duplicate check and the create stay
 * one atomic step). A batch is one atomic step per shard, not across them: when a shard fails after
 * another stored its part, the batch's outcome is reported unknown ({@link
 * StoreOutcomeUnknownException}), so that the caller repeats it with the same ids (each stored
 * notification is recognised and stored once) or looks them up, and never resubmits under new ids.
 */
public final class ShardedNotificationStore implements NotificationStore {

  private final List<? extends NotificationStore> shards;
  private final Shards layout;

  public ShardedNotificationStore(List<? extends NotificationStore> shards, Shards layout) {
    if (shards.size() != layout.count()) {
      throw new IllegalArgumentException(shards.size() + " stores for " + layout.count());
    }
    this.shards = List.copyOf(shards);
    this.layout = layout;
  }

  @Override
  public List<AcceptResult> accept(
      List<Notification> notifications, Instant now, Duration idempotencyWindow) {
    Map<Integer, List<Integer>> byShard = new LinkedHashMap<>();
    for (int i = 0; i < notifications.size(); i++) {
      byShard
          .computeIfAbsent(layout.ofId(notifications.get(i).id()), s -> new ArrayList<>())
          .add(i);
    }
    AcceptResult[] results = new AcceptResult[notifications.size()];
    boolean someStored = false;
    for (Map.Entry<Integer, List<Integer>> e : byShard.entrySet()) {
      List<Notification> part = e.getValue().stream().map(notifications::get).toList();
      List<AcceptResult> got;
      try {
        got = shards.get(e.getKey()).accept(part, now, idempotencyWindow);
      } catch (StoreUnavailableException failed) {
        if (!someStored || failed instanceof StoreOutcomeUnknownException) {
          throw failed;
        }
        throw new StoreOutcomeUnknownException(
            "shard "
                + e.getKey()
                + " failed after other shards stored their part of the batch: "
                + failed.getMessage(),
            failed);
      }
      for (int k = 0; k < got.size(); k++) {
        results[e.getValue().get(k)] = got.get(k);
      }
      someStored = true;
    }
    return List.of(results);
  }

  @Override
  public Optional<NotificationRecord> find(String notificationId) {
    if (!NotificationIds.isId(notificationId)) {
      return Optional.empty(); // nothing is stored under anything else
    }
    return shards.get(layout.ofId(notificationId)).find(notificationId);
  }

  @Override
  public Optional<CancelResult> cancel(
      CancelRequest request, Instant now, Duration idempotencyWindow) {
    if (request.notificationId() != null && !NotificationIds.isId(request.notificationId())) {
      return Optional.empty(); // nothing is stored under anything else
    }
    if (request.notificationId() != null) {
      return shards
          .get(layout.ofId(request.notificationId()))
          .cancel(request, now, idempotencyWindow);
    }
    int keyShard = layout.ofIdempotencyKey(request.producer(), request.idempotencyKey());
    Optional<CancelResult> cancelled = shards.get(keyShard).cancel(request, now, idempotencyWindow);
    if (cancelled.isPresent()) {
      return cancelled;
    }
    return cancelElsewhere(keyShard, request, now, idempotencyWindow);
  }

  /**
   * A notification made in the one-Redis layout and moved by {@code herald migrate} is in its id's
   * shard, its idempotency record in its key's (where the duplicate check runs): the two differ for
   * most of them. Such a key's cancel finds the id there and nothing to cancel, and goes on by id.
   * The record is read as {@code routes show --idempotency-key} reads it (it expires with its
   * window).
   */
  private Optional<CancelResult> cancelElsewhere(
      int keyShard, CancelRequest request, Instant now, Duration idempotencyWindow) {
    Optional<String> id =
        shards
            .get(keyShard)
            .findIdByIdempotencyKey(request.producer(), request.idempotencyKey())
            .filter(NotificationIds::isId);
    if (id.isEmpty() || layout.ofId(id.get()) == keyShard) {
      return Optional.empty();
    }
    return shards
        .get(layout.ofId(id.get()))
        .cancel(CancelRequest.byId(id.get()), now, idempotencyWindow);
  }

  @Override
  public Optional<String> findIdByIdempotencyKey(String producer, String idempotencyKey) {
    return shards
        .get(layout.ofIdempotencyKey(producer, idempotencyKey))
        .findIdByIdempotencyKey(producer, idempotencyKey);
  }
}
