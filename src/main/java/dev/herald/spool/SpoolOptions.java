package dev.herald.spool;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a spool keeps its files.
 *
 * @param dir where the segments, the checkpoint and the lock live
 * @param maxBytes most bytes of segments kept; an append beyond it is refused
 * @param fsync when appended records are forced to disk before the append returns
 * @param fsyncInterval with {@link Fsync#INTERVAL}, how often the active segment is forced
 * @param segmentBytes the active segment is sealed once it holds this many bytes
 * @param segmentAge ... or once its first record is this old (so that the replayer gets it)
 * @param replayRate most notifications replayed into the store per second
 * @param replayBatch most notifications per replay call
 */
public record SpoolOptions(
    Path dir,
    long maxBytes,
    Fsync fsync,
    Duration fsyncInterval,
    long segmentBytes,
    Duration segmentAge,
    int replayRate,
    int replayBatch) {

  /** When an append is forced to disk. */
  public enum Fsync {
    /** Each append on its own, before it returns: the safest, one fsync per request. */
    REQUEST,
    /** The appends waiting together, with one fsync, before any of them returns. */
    BATCH,
    /** Written before the append returns, forced every {@code fsyncInterval}. */
    INTERVAL;

    /** The name in the config file. */
    public String configName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
