package dev.herald.domain;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * How notifications are split into {@code count} shards. A notification's shard is written in its
 * id (the last two of its 26 characters, its lowest 10 bits, modulo {@code count}), so that
 * anything holding the id finds the shard without a search; one with an idempotency key is in the
 * shard of its key (a hash of producer and key), so that the duplicate check and the create are one
 * step in one shard. Others are dealt to the shards in turn, so that each gets its share. With one
 * shard every id is as it always was. Thread-safe.
 */
public final class Shards {

  /** Most shards: the 10 bits an id keeps for its shard. */
  public static final int MAX = 1024;

  /** One shard: the layout of a single Redis, ids untouched. */
  public static final Shards ONE = new Shards(1);

  private final int count;
  private final AtomicInteger turn = new AtomicInteger();

  public Shards(int count) {
    if (count < 1 || count > MAX) {
      throw new IllegalArgumentException(
          "shards must be between 1 and " + MAX + " (was " + count + ")");
    }
    this.count = count;
  }

  public int count() {
    return count;
  }

  /** The shard of a notification id ({@link NotificationIds#isId} must hold). */
  public int ofId(String id) {
    return (int) (NotificationIds.low10Bits(id) % count);
  }

  /**
   * The shard of a producer's idempotency key: CRC-32 of {@code <producer length>:<producer>:<key>}
   * modulo the count, the same in every process and release.
   */
  public int ofIdempotencyKey(String producer, String key) {
    CRC32 crc = new CRC32();
    crc.update((producer.length() + ":" + producer + ":" + key).getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % count);
  }

  /** The shard a new notification goes to: its key's, else the next in turn. */
  public int forNew(String producer, String idempotencyKey) {
    if (count == 1) {
      return 0;
    }
    if (idempotencyKey != null) {
      return ofIdempotencyKey(producer, idempotencyKey);
    }
    return Math.floorMod(turn.getAndIncrement(), count);
  }
}
