package dev.herald.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The records of one segment that the replay set aside: notifications the rules refuse now (a
 * channel removed, a smaller payload limit since they were spooled) and records the store refuses
 * on their own. They go to {@code rejected-segment-<seq>.ndjson} in the spool directory: a segment
 * file (a header, then the records, each with {@value SpoolRecords#REASON}) that is never replayed
 * nor deleted by Herald; {@code herald spool inspect} reads it, {@code herald spool status} counts
 * it. Written and forced before the checkpoint moves past them, and a record already in the file is
 * not written again (a replay repeated after a crash).
 */
final class SetAside implements AutoCloseable {

  /** A record and why it is set aside. */
  record Entry(SpoolRecord record, String reason) {}

  private final Path file;
  private final long seq;
  private FileChannel channel;
  private final Set<String> written = new HashSet<>();

  SetAside(Path dir, long seq) {
    this.seq = seq;
    this.file = dir.resolve(SegmentScan.SET_ASIDE_PREFIX + SegmentScan.fileName(seq));
  }

  static String key(SpoolRecord r) {
    return (r instanceof SpoolRecord.Cancel ? "cancel:" : "") + r.notificationId();
  }

  Path file() {
    return file;
  }

  void add(List<Entry> entries, Instant now) throws IOException {
    if (entries.isEmpty()) {
      return;
    }
    open(now);
    for (Entry e : entries) {
      if (written.add(key(e.record()))) {
        ByteBuffer line = ByteBuffer.wrap(SpoolRecords.encode(e.record(), e.reason()));
        while (line.hasRemaining()) {
          channel.write(line);
        }
      }
    }
    channel.force(false);
  }

  private void open(Instant now) throws IOException {
    if (channel != null) {
      return;
    }
    boolean exists = Files.exists(file);
    if (exists) {
      SegmentScan.read(file).records().forEach(r -> written.add(key(r)));
    }
    channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    if (!exists) {
      channel.write(ByteBuffer.wrap(SpoolRecords.header(seq, now)));
      channel.force(false);
      Checkpoint.forceDirectory(file.getParent());
    }
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
    }
  }
}
