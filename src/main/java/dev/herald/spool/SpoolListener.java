package dev.herald.spool;

/**
 * What the spool tells the outside world (metrics). Called on spool and request threads;
 * implementations must be thread-safe and quick. Every method has a no-op default.
 */
public interface SpoolListener {

  SpoolListener NONE = new SpoolListener() {};

  /** Notifications appended (durable per {@code spool.fsync}), with their bytes. */
  default void onAppended(int records, long bytes) {}

  /**
   * An append refused; nothing of it was written.
   *
   * @param reason {@code full} (over {@code spool.max-bytes}) or {@code io} (the disk failed)
   */
  default void onRefused(String reason) {}

  /**
   * Notifications replayed into the store.
   *
   * @param duplicates those whose idempotency key named another notification (nothing scheduled)
   */
  default void onReplayed(int records, int duplicates) {}

  /**
   * Records the replay set aside into {@code rejected-segment-*} instead of the store, and went on.
   *
   * @param reason {@code invalid} (the rules of now refuse it) or {@code refused} (the store did)
   */
  default void onSetAside(int records, String reason) {}

  /** A replay call failed (Redis down, or it refused the batch); it is tried again. */
  default void onReplayFailed() {}

  /** A torn last line (a write cut by a crash) truncated at start. */
  default void onTornRecord() {}

  /** An unreadable segment renamed {@code corrupt-*} at start; its records are not replayed. */
  default void onCorruptSegment() {}
}
