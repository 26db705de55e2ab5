package dev.herald.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The intake's port to the intents stream: producers append intents (field {@code intent}, the
 * notification JSON), Herald processes read them through one consumer group.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>{@link #createGroup} creates the consumer group, and the stream if missing; it is harmless
 *       when they exist. A group made here reads the stream from its first entry, so intents
 *       appended before Herald ever ran are not missed.
 *   <li>{@link #read} hands this consumer entries no consumer has seen; they stay pending with it
 *       until {@link #settle}d. When none is there it waits up to {@code block} (no busy polling).
 *   <li>{@link #claimIdle} takes over entries pending with any consumer for longer than {@code
 *       minIdle} (a consumer that died or stalls), as {@link #read} would hand them.
 *   <li>{@link #readPending} hands this consumer again the entries pending with it: those of a
 *       settle (or a read) that failed. {@link #read} never hands them again, so a consumer reads
 *       these first after a failed round instead of waiting {@code minIdle} for a take-over.
 *   <li>{@link #settle} does, in one atomic step for the whole batch: accept the notifications,
 *       apply the cancels, copy the rejected entries to the rejected stream (their fields plus
 *       {@code reason} and {@code source_id}), acknowledge every entry, and delete it from the
 *       intents stream. An entry that is no longer pending (another consumer settled it after
 *       taking it over) is left alone: {@link IntentResult.Status#ALREADY_SETTLED}. So an intent is
 *       acknowledged only together with its effect, and never creates a second notification.
 *       Accepting follows {@link NotificationStore#accept}'s rules, idempotency keys included.
 *   <li>Before its first write, {@link #settle} checks every entry: one whose effect cannot be
 *       stored (its notification id in use, a key of another type where its notification's keys
 *       should be) is rejected alone, with the reason in {@link IntentResult#reason}; the others
 *       are settled.
 *   <li>A batch costs one round trip to read and one to settle. Transient Redis trouble throws
 *       {@link StoreUnavailableException}; a throw leaves nothing half-done. When it is a {@link
 *       StoreOutcomeUnknownException}, the settle ran whole or not at all: the entries it did not
 *       settle stay pending with this consumer ({@link #readPending}), and settling them again is
 *       safe, since an entry settled already is left alone. A Redis reply error throws {@link
 *       StoreException}; any other exception of {@link #settle} was raised while a decision was
 *       being encoded, before anything was sent.
 * </ul>
 */
public interface IntentStream {

  /** Creates the consumer group (and the stream) if missing. */
  void createGroup();

  /**
   * Up to {@code max} entries never delivered before, now pending with {@code consumer}; waits up
   * to {@code block} when there are none, and returns an empty list if none came.
   */
  List<Intent> read(String consumer, int max, Duration block);

  /**
   * Up to {@code max} entries pending with {@code consumer} (read before, not settled yet), oldest
   * first; an entry deleted from the stream meanwhile comes back as {@link Intent#isDeleted}.
   */
  List<Intent> readPending(String consumer, int max);

  /**
   * Up to {@code max} entries pending longer than {@code minIdle}, now pending with {@code
   * consumer}, scanning the pending entries from {@code cursor} ({@link #START} for the first call
   * of a pass).
   */
  ClaimedIntents claimIdle(String consumer, Duration minIdle, int max, String cursor);

  /** Settles a batch as the contract says; results are in the order of {@code decisions}. */
  List<IntentResult> settle(
      List<IntentDecision> decisions, Instant now, Duration idempotencyWindow);

  /** The newest {@code limit} entries of the rejected stream, newest first. */
  default List<RejectedIntent> rejected(int limit) {
    return rejected(null, limit);
  }

  /**
   * Up to {@code limit} entries of the rejected stream older than the entry {@code before} (null:
   * the newest), newest first: pages, to read any number in bounded memory.
   */
  List<RejectedIntent> rejected(String before, int limit);

  /** Figures for {@code herald stats}: one round trip. */
  IntakeSnapshot snapshot();

  /**
   * Where this stream is among the shards' intents streams; null for the one stream of one Redis.
   * The intake makes the notification of an intent of a shard's stream under an id derived from the
   * stream and the entry ({@link dev.herald.domain.NotificationIds#ofIntent}), as of the entry's
   * time, so that an accept sent again makes the very same notification.
   */
  default Shard shard() {
    return null;
  }

  /**
   * The streams a consumer reads: this one, or, for the shards' intents streams together, each of
   * them ({@link #read} and {@link #settle} then belong to the parts).
   */
  default List<IntentStream> parts() {
    return List.of(this);
  }

  /**
   * One shard's intents stream.
   *
   * @param stream its name ({@code <intake.stream>:{<tag>}})
   * @param index the shard's number
   * @param count how many shards there are
   */
  record Shard(String stream, int index, int count) {}

  /** The cursor that starts a pass of {@link #claimIdle}, and that a finished pass returns. */
  String START = "0-0";

  /**
   * What one {@link #claimIdle} call took over.
   *
   * @param nextCursor where the next call of this pass starts; {@link #START} when the pass is over
   */
  record ClaimedIntents(List<Intent> intents, String nextCursor) {
    public ClaimedIntents {
      intents = List.copyOf(intents);
    }

    public boolean passFinished() {
      return START.equals(nextCursor);
    }
  }

  /**
   * Where the intents are.
   *
   * @param stream the intents stream
   * @param group the consumer group
   * @param rejectedStream where rejected intents are copied
   * @param rejectedMaxLength its approximate bound
   */
  record Names(String stream, String group, String rejectedStream, long rejectedMaxLength) {}
}
