package dev.herald.store;

import java.util.Map;

/**
 * The intake figures for {@code herald stats}.
 *
 * @param stream the intents stream
 * @param streamLength entries in it: intents not settled yet (settled ones are deleted); -1 when
 *     the key is not a stream
 * @param groupExists false before the first {@code herald run} created the consumer group
 * @param pending entries delivered to a consumer and not acknowledged yet
 * @param pendingByConsumer the same per consumer (host-pid); consumers with none are left out
 * @param rejectedLength entries in the rejected stream (bounded; -1 when not a stream)
 * @param rejectedTotal intents rejected since the store was created (the {@code intents_rejected}
 *     counter)
 */
public record IntakeSnapshot(
    String stream,
    long streamLength,
    boolean groupExists,
    long pending,
    Map<String, Long> pendingByConsumer,
    long rejectedLength,
    long rejectedTotal) {

  public IntakeSnapshot {
    pendingByConsumer = Map.copyOf(pendingByConsumer);
  }
}
