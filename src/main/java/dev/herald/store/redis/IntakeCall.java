package dev.herald.store.redis;

import dev.herald.domain.CancelRequest;
import dev.herald.store.IntentDecision;
import dev.herald.store.IntentResult;
import dev.herald.store.IntentResult.Status;
import dev.herald.store.IntentStream;
import dev.herald.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys and arguments of one intake.lua call (layout in its header), and the reading of its
 * reply.
 */
final class IntakeCall {

  private final RedisKeys keys;
  private final IntentStream.Names names;
  private final AcceptCall accepts;
  private final Duration retention;

  /**
   * @param retention how long a notification stays once all its routes finished (cancelled ones)
   */
  IntakeCall(RedisKeys keys, IntentStream.Names names, AcceptCall accepts, Duration retention) {
    this.keys = keys;
    this.names = names;
    this.accepts = accepts;
    this.retention = retention;
  }

  List<String> keys() {
    return List.of(
        keys.schedule(),
        keys.stats(),
        keys.deadLetters(),
        keys.retention(),
        names.stream(),
        names.rejectedStream(),
        keys.typeFigures());
  }

  List<String> args(List<IntentDecision> decisions, Instant now, Duration idempotencyWindow) {
    List<String> args = new ArrayList<>(5 + decisions.size() * 9);
    args.add(Long.toString(now.toEpochMilli()));
    args.add(Long.toString(idempotencyWindow.toMillis()));
    args.add(names.group());
    args.add(Long.toString(names.rejectedMaxLength()));
    args.add(Long.toString(retention.toMillis()));
    for (IntentDecision d : decisions) {
      args.add(d.entryId());
      if (d instanceof IntentDecision.Accept a) {
        args.add("A");
        accepts.addItem(args, a.notification());
      } else if (d instanceof IntentDecision.Cancel c) {
        CancelRequest r = c.request();
        args.add("C");
        args.add(r.notificationId() == null ? "" : r.notificationId());
        args.add(
            r.notificationId() == null
                ? RedisKeys.idempotencyName(r.producer(), r.idempotencyKey())
                : "");
        args.add(c.reasonIfUnknown());
      } else if (d instanceof IntentDecision.Reject r) {
        args.add("R");
        args.add(r.reason());
      } else if (d instanceof IntentDecision.Settled) {
        args.add("S");
      } else {
        args.add("D");
      }
    }
    return args;
  }

  /** The result of an entry whose effect another shard stored: that effect's. */
  private static IntentResult settledElsewhere(IntentDecision d) {
    if (d instanceof IntentDecision.Settled s) {
      return s.result();
    }
    throw new StoreException("intake acknowledged " + d.entryId() + ", which was not settled");
  }

  static List<IntentResult> parse(List<IntentDecision> decisions, Object reply) {
    List<?> values = Replies.list(reply, "intake");
    if (values.size() != decisions.size()) {
      throw new StoreException(
          "intake replied with " + values.size() + " entries for " + decisions.size());
    }
    List<IntentResult> results = new ArrayList<>(decisions.size());
    for (int i = 0; i < decisions.size(); i++) {
      String entryId = decisions.get(i).entryId();
      List<?> entry = Replies.list(values.get(i), "intake entry");
      String status = Replies.text(entry.get(0), "intake status");
      String detail = entry.size() > 1 ? Replies.text(entry.get(1), "intake detail") : "";
      results.add(
          switch (status) {
            case "accepted" -> new IntentResult(entryId, Status.ACCEPTED, detail);
            case "duplicate" -> new IntentResult(entryId, Status.DUPLICATE, detail);
            case "cancelled" -> CancelReplies.ofIntake(entryId, entry);
            case "rejected" ->
                new IntentResult(entryId, Status.REJECTED, null, detail.isEmpty() ? null : detail);
            case "dropped" -> new IntentResult(entryId, Status.DROPPED, null);
            case "acknowledged" -> settledElsewhere(decisions.get(i));
            case "settled" -> new IntentResult(entryId, Status.ALREADY_SETTLED, null);
            default -> throw new StoreException("intake replied with unknown status " + status);
          });
    }
    return results;
  }
}
