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

  Segment(long seq, Path path, long bytes, int records, Instant firstAcceptedAt) {
    this.seq = seq;
    this.path = path;
    this.bytes = bytes;
    this.records = records;
    this.firstAcceptedAt = firstAcceptedAt;
  }
}
