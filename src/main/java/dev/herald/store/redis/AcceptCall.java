package dev.herald.store.redis;

import dev.herald.domain.Notification;
import dev.herald.store.AcceptResult;
import dev.herald.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys and arguments of accept.lua (layout in its header), the accept item that intake.lua
 * reads too (lib/accepting.lua), and the reading of accept.lua's reply.
 */
final class AcceptCall {

  private final RedisKeys keys;
  private final NotificationCodec codec;
  private final StoredFormat format;
  private volatile String recipientIndex = "";

  AcceptCall(RedisKeys keys, NotificationCodec codec, StoredFormat format) {
    this.keys = keys;
    this.codec = codec;
    this.format = format;
  }

  /**
   * Keeps the recipient index (lib/recipients.lua) from now on: at most {@code max} notifications
   * per recipient, each recipient's index expiring {@code keep} after the latest due time it holds;
   * {@code max} 0 turns it off.
   */
  void indexRecipients(int max, Duration keep) {
    recipientIndex = max == 0 ? "" : max + "/" + keep.toMillis();
  }

  List<String> keys() {
    return List.of(keys.schedule(), keys.stats(), keys.typeFigures());
  }

  List<String> args(List<Notification> batch, Instant now, Duration idempotencyWindow) {
    List<String> args = new ArrayList<>(2 + batch.size() * 9);
    args.add(Long.toString(now.toEpochMilli()));
    args.add(Long.toString(idempotencyWindow.toMillis()));
    batch.forEach(n -> addItem(args, n));
    return args;
  }

  /**
   * Appends the accept item of one notification, in the stored format this process writes now: the
   * record's and the route hash's (one reading of it, so that the two agree).
   */
  void addItem(List<String> args, Notification n) {
    int writing = format.writing();
    args.add(n.id());
    args.add(n.type());
    args.add(
        n.idempotencyKey() == null
            ? ""
            : RedisKeys.idempotencyName(n.producer(), n.idempotencyKey()));
    args.add(codec.encode(n, StoredFormat.recordFormat(writing)));
    args.add(Integer.toString(n.routeCount()));
    args.add(Long.toString(n.sendAt().toEpochMilli()));
    args.add(n.expiresAt() == null ? "" : Long.toString(n.expiresAt().toEpochMilli()));
    args.add(recipientIndex);
    args.add(Integer.toString(StoredFormat.acceptFormat(writing)));
  }

  static List<AcceptResult> parse(Object reply, int notifications) {
    List<?> values = Replies.list(reply, "accept");
    if (values.size() != notifications * 2) {
      throw new StoreException(
          "accept replied with "
              + values.size()
              + " values for "
              + notifications
              + " notifications");
    }
    List<AcceptResult> results = new ArrayList<>(notifications);
    for (int i = 0; i < notifications; i++) {
      String status = Replies.text(values.get(2 * i), "accept status");
      String id = Replies.text(values.get(2 * i + 1), "accepted id");
      results.add(
          new AcceptResult(
              id,
              switch (status) {
                case "created" -> AcceptResult.Status.CREATED;
                case "already_stored" -> AcceptResult.Status.ALREADY_STORED;
                case "duplicate" -> AcceptResult.Status.DUPLICATE;
                default ->
                    throw new StoreException("accept replied with status " + status + " for " + id);
              }));
    }
    return results;
  }
}
