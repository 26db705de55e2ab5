package dev.herald.store.redis;

import dev.herald.store.CancelResult;
import dev.herald.store.CancelledRoutes;
import dev.herald.store.IntentResult;
import dev.herald.store.IntentResult.Status;
import dev.herald.store.StoreException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the scripts reply for a cancel (cancel_notification in lib.lua), read into results. */
final class CancelReplies {

  private CancelReplies() {}

  /** cancel.lua's {@code {id, cancelled, published, type, channel, routes, ...}}. */
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

  /** intake.lua's {@code id|cancelled|published|n|channel|routes|...|type}. */
  static IntentResult ofIntake(String entryId, String detail) {
    String[] parts = detail.split("\\|", -1);
    try {
      int channels = Integer.parseInt(parts[3]);
      Map<String, Integer> byChannel = new LinkedHashMap<>();
      for (int c = 0; c < channels; c++) {
        byChannel.put(parts[4 + 2 * c], Integer.parseInt(parts[5 + 2 * c]));
      }
      // The type last, whole: it may hold a '|', a channel name may not.
      String type = String.join("|", Arrays.asList(parts).subList(4 + 2 * channels, parts.length));
      return new IntentResult(
          entryId,
          Status.CANCELLED,
          parts[0],
          Integer.parseInt(parts[1]),
          Integer.parseInt(parts[2]),
          null,
          new CancelledRoutes(type, byChannel));
    } catch (RuntimeException e) {
      throw new StoreException("intake replied with an unreadable cancel result: " + detail);
    }
  }
}
