package dev.herald.spool;

import java.nio.file.Path;
import java.time.Instant;

/** One segment file as the spool tracks it. Mutable while active; guarded by the spool's lock. */
final class Segment {
  final long seq;
  final Path path;
  long bytes;
  int records;

  /** When its first record was accepted; null while it has none. */
  Instant firstAcceptedAt;

  /** The range of the times in its records' notification ids, for looking one up. */
  long minIdTime = Long.MAX_VALUE;

  long maxIdTime = Long.MIN_VALUE;

  Segment(long seq, Path path, long bytes, int records, Instant firstAcceptedAt) {
    this.seq = seq;
    this.path = path;
    this.bytes = bytes;
    this.records = records;
    this.firstAcceptedAt = firstAcceptedAt;
  }

  void cover(long minTime, long maxTime) {
    minIdTime = Math.min(minIdTime, minTime);
    maxIdTime = Math.max(maxIdTime, maxTime);
  }

  boolean mayHold(long idTime) {
    return minIdTime <= idTime && idTime <= maxIdTime;
  }
}
