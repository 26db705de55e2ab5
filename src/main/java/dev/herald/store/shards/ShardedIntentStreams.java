package dev.herald.store.shards;

import dev.herald.store.IntakeSnapshot;
import dev.herald.store.Intent;
import dev.herald.store.IntentDecision;
import dev.herald.store.IntentResult;
import dev.herald.store.IntentStream;
import dev.herald.store.RejectedIntent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The intents streams of every shard together: {@link #parts} are read, each by a consumer of its
 * own; the figures are summed and the rejected streams merged newest first, for {@code herald
 * stats}, {@code herald intake rejected} and the console. Reading or settling the whole is a bug:
 * each part is read and settled by itself.
 */
public final class ShardedIntentStreams implements IntentStream {

  /** Newest first, as XREVRANGE orders one stream: by the entry id's time, then its sequence. */
  private static final Comparator<RejectedIntent> NEWEST_FIRST =
      Comparator.comparing((RejectedIntent r) -> entryTime(r.id()))
          .thenComparing(r -> entrySequence(r.id()))
          .reversed();

  private final String stream;
  private final List<IntentStream> parts;

  /**
   * @param stream the configured name, each shard's stream that name plus its hash tag
   */
  public ShardedIntentStreams(String stream, List<? extends IntentStream> parts) {
    this.stream = stream;
    this.parts = List.copyOf(parts);
  }

  @Override
  public List<IntentStream> parts() {
    return parts;
  }

  @Override
  public void createGroup() {
    parts.forEach(IntentStream::createGroup);
  }

  @Override
  public List<Intent> read(String consumer, int max, Duration block) {
    throw whole();
  }

  @Override
  public List<Intent> readPending(String consumer, int max) {
    throw whole();
  }

  @Override
  public ClaimedIntents claimIdle(String consumer, Duration minIdle, int max, String cursor) {
    throw whole();
  }

  @Override
  public List<IntentResult> settle(
      List<IntentDecision> decisions, Instant now, Duration idempotencyWindow) {
    throw whole();
  }

  /**
   * The newest {@code limit} of all shards' rejected streams older than {@code before}: each
   * shard's page after the same entry id, merged.
   */
  @Override
  public List<RejectedIntent> rejected(String before, int limit) {
    List<RejectedIntent> all = new ArrayList<>();
    for (IntentStream part : parts) {
      all.addAll(part.rejected(before, limit));
    }
    all.sort(NEWEST_FIRST);
    return List.copyOf(all.subList(0, Math.min(limit, all.size())));
  }

  @Override
  public IntakeSnapshot snapshot() {
    long length = 0;
    boolean grouped = true;
    long pending = 0;
    Map<String, Long> byConsumer = new LinkedHashMap<>();
    long rejectedLength = 0;
    long rejectedTotal = 0;
    for (IntentStream part : parts) {
      IntakeSnapshot s = part.snapshot();
      length = length < 0 || s.streamLength() < 0 ? -1 : length + s.streamLength();
      grouped &= s.groupExists();
      pending += s.pending();
      s.pendingByConsumer().forEach((c, n) -> byConsumer.merge(c, n, Long::sum));
      rejectedLength =
          rejectedLength < 0 || s.rejectedLength() < 0 ? -1 : rejectedLength + s.rejectedLength();
      rejectedTotal += s.rejectedTotal();
    }
    return new IntakeSnapshot(
        stream, length, grouped, pending, byConsumer, rejectedLength, rejectedTotal);
  }

  private static long entryTime(String id) {
    int dash = id.indexOf('-');
    return Long.parseLong(dash < 0 ? id : id.substring(0, dash));
  }

  private static long entrySequence(String id) {
    int dash = id.indexOf('-');
    return dash < 0 ? 0 : Long.parseLong(id.substring(dash + 1));
  }

  private static IllegalStateException whole() {
    return new IllegalStateException(
        "the shards' intents streams are read and settled each by itself (parts())");
  }
}
