package dev.herald.store.redis;

import dev.herald.store.CancelResult;
import dev.herald.store.CancelledRoutes;
import dev.herald.store.IntentResult;
import dev.herald.store.IntentResult.Status;
import dev.herald.store.StoreException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the scripts reply for a cancel (cancel_notification in lib/cancelling.lua), read into
 * results: {@code {id, cancelled, published, type, channel, routes, ...}}, from cancel.lua whole
 * and from intake.lua after an entry's status.
 */
final class CancelReplies {

  private CancelReplies() {}

  /** cancel.lua's reply. */
  static CancelResult ofCancel(List<?> values) {
    if (values.size() < 4 || values.size() % 2 != 0) {
      throw new StoreException("cancel replied with " + values.size() + " values: " + values);
    }
    Map<String, Integer> byChannel = new LinkedHashMap<>();
    for (int i = 4; i < values.size(); i += 2) {
      byChannel.put(
          Replies.text(values.get(i), "channel"),
          (int) Replies.number(values.get(i + 1), "routes cancelled on the channel"));
    }
    return new CancelResult(
        Replies.text(values.get(0), "cancelled id"),
        (int) Replies.number(values.get(1), "routes cancelled"),
        (int) Replies.number(values.get(2), "routes published"),
        new CancelledRoutes(Replies.text(values.get(3), "type"), byChannel));
  }

  /** An intake.lua entry {@code {'cancelled', <as cancel.lua replies>}}. */
  static IntentResult ofIntake(String entryId, List<?> entry) {
    CancelResult c = ofCancel(entry.subList(1, entry.size()));
    return new IntentResult(
        entryId,
        Status.CANCELLED,
        c.notificationId(),
        c.cancelled(),
        c.published(),
        null,
        c.routes());
  }
}
