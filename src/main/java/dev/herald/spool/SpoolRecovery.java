package dev.herald.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the spool does with its files at start: every segment is read whole; a torn last line is cut
 * off (a write a crash interrupted: its append never returned), an unreadable segment is renamed
 * {@code corrupt-<name>} and left for an operator (never deleted, never replayed), a segment with
 * no record is deleted. Each torn line and corrupt segment is logged and counted.
 */
final class SpoolRecovery {

  private static final Logger LOG = LoggerFactory.getLogger(SpoolRecovery.class);

  /** A readable segment found at start. */
  record Found(long seq, Path path, SegmentScan scan) {

    /** The segment, sealed, with {@code left} its records not replayed yet. */
    Segment segment(List<SpoolRecord> left) {
      Segment s =
          new Segment(
              seq, path, scan.validBytes(), left.size(), left.isEmpty() ? null : left.get(0).at());
      for (SpoolRecord r : scan.records()) {
        long t = dev.herald.domain.NotificationIds.timeOf(r.notificationId());
        s.cover(t, t);
      }
      return s;
    }
  }

  /**
   * @param segments the readable segments with records, oldest first
   * @param nextSeq the number for the next new segment
   */
  record Result(List<Found> segments, long nextSeq) {}

  private SpoolRecovery() {}

  static Result run(Path dir, SpoolListener listener) throws IOException {
    List<Path> files = segmentFiles(dir);
    List<Found> found = new ArrayList<>();
    long next = 1;
    for (Path file : files) {
      long seq = SegmentScan.seqOf(file);
      next = Math.max(next, seq + 1);
      SegmentScan scan = SegmentScan.read(file);
      if (scan.isCorrupt()) {
        Path aside = file.resolveSibling(SegmentScan.CORRUPT_PREFIX + file.getFileName());
        Files.move(file, aside);
        Checkpoint.forceDirectory(dir);
        LOG.error(
            "spool: {} is unreadable ({}); renamed {}, its {} readable record(s) are not replayed:"
                + " inspect it with `herald spool inspect {}`",
            file.getFileName(),
            scan.corrupt(),
            aside.getFileName(),
            scan.records().size(),
            aside);
        listener.onCorruptSegment();
        continue;
      }
      if (scan.tornBytes() > 0) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.truncate(scan.validBytes());
          ch.force(false);
        }
        LOG.warn(
            "spool: {} ended in a torn line ({} bytes, a write cut by a crash); truncated to {}"
                + " bytes, {} record(s) kept",
            file.getFileName(),
            scan.tornBytes(),
            scan.validBytes(),
            scan.records().size());
        listener.onTornRecord();
      }
      if (scan.records().isEmpty()) {
        Files.delete(file);
        continue;
      }
      found.add(new Found(seq, file, scan));
    }
    return new Result(found, next);
  }

  /** The segment files in {@code dir}, oldest first. */
  static List<Path> segmentFiles(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path p : stream) {
        if (SegmentScan.seqOf(p) >= 0 && Files.isRegularFile(p)) {
          files.add(p);
        }
      }
    }
    files.sort(Comparator.comparingLong(SegmentScan::seqOf));
    return files;
  }
}
