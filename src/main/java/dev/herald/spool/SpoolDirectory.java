package dev.herald.spool;

import dev.herald.domain.Notification;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A spool directory as an operator sees it, read without taking it over (for {@code herald spool
 * status} and {@code inspect}, also while {@code herald run} owns it): its segments with what is
 * left to replay, the segments set aside at start ({@code corrupt-*}) and the records the replay
 * set aside ({@code rejected-*}), and the records of any of those files.
 */
public final class SpoolDirectory {

  private SpoolDirectory() {}

  /** What a file in the spool directory is. */
  public enum Kind {
    /** Waiting to be replayed (the newest may be the one appended to). */
    SEGMENT,
    /** Unreadable at start: renamed, never replayed nor deleted. */
    CORRUPT,
    /** Records the replay set aside, each with its reason: never replayed nor deleted. */
    REJECTED
  }

  /**
   * One file.
   *
   * @param pending records not replayed yet (a segment's, after the checkpoint); else 0
   * @param firstPendingAt when the first of them was answered 202; null when none
   * @param problem why a corrupt file is unreadable, or a torn last line; else null
   */
  public record FileSummary(
      Path file,
      Kind kind,
      long bytes,
      int records,
      int pending,
      Instant firstPendingAt,
      String problem) {}

  /**
   * The directory.
   *
   * @param owned a process (herald run) holds its lock now
   * @param checkpoint the segment and offset the replay got to; segment -1 when none
   */
  public record Status(
      Path dir,
      boolean owned,
      long checkpointSegment,
      long checkpointOffset,
      List<FileSummary> files) {

    public long pending() {
      return files.stream().mapToLong(FileSummary::pending).sum();
    }

    /** When the oldest record not replayed yet was answered 202; null when none. */
    public Instant oldestPendingAt() {
      return files.stream()
          .map(FileSummary::firstPendingAt)
          .filter(t -> t != null)
          .min(Comparator.naturalOrder())
          .orElse(null);
    }

    public long count(Kind kind) {
      return files.stream().filter(f -> f.kind() == kind).count();
    }

    public long records(Kind kind) {
      return files.stream().filter(f -> f.kind() == kind).mapToLong(FileSummary::records).sum();
    }
  }

  /**
   * One record of a file.
   *
   * @param notification the notification it accepts; null for a cancel
   * @param reason why it was set aside (a {@code rejected-*} file); else null
   * @param replayed it is before the checkpoint: in the store already
   */
  public record Entry(
      String notificationId,
      String producer,
      Instant at,
      Notification notification,
      String reason,
      boolean replayed) {

    public boolean isCancel() {
      return notification == null;
    }
  }

  /**
   * The records of one file, in order.
   *
   * @param problem why the rest of it cannot be read (a corrupt file), or a torn last line; null
   */
  public record Contents(Path file, Kind kind, List<Entry> entries, String problem) {}

  /**
   * @throws IOException when the directory cannot be read; a missing one is empty
   */
  public static Status status(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return new Status(dir, false, -1, 0, List.of());
    }
    boolean owned;
    try (SpoolLock lock = SpoolLock.take(dir)) {
      owned = false;
    } catch (SpoolLock.SpoolLockedException e) {
      owned = true;
    }
    Checkpoint checkpoint = Checkpoint.read(dir);
    List<FileSummary> files = new ArrayList<>();
    for (Path p : files(dir)) {
      Kind kind = kindOf(p);
      byte[] data = Files.readAllBytes(p);
      SegmentScan scan = SegmentScan.of(data, kind == Kind.SEGMENT ? SegmentScan.seqOf(p) : -1);
      int pending = 0;
      Instant first = null;
      if (kind == Kind.SEGMENT) {
        int from = scan.firstAfter(checkpoint.offsetIn(SegmentScan.seqOf(p)));
        pending = scan.records().size() - from;
        first = pending == 0 ? null : scan.records().get(from).at();
      }
      files.add(
          new FileSummary(
              p, kind, data.length, scan.records().size(), pending, first, problem(scan)));
    }
    return new Status(dir, owned, checkpoint.segment(), checkpoint.offset(), files);
  }

  /**
   * @throws IOException when it cannot be read
   */
  public static Contents read(Path file) throws IOException {
    Kind kind = kindOf(file);
    byte[] data = Files.readAllBytes(file);
    SegmentScan scan = SegmentScan.of(data, kind == Kind.SEGMENT ? SegmentScan.seqOf(file) : -1);
    long replayedTo =
        kind == Kind.SEGMENT && file.getParent() != null
            ? Checkpoint.read(file.getParent()).offsetIn(SegmentScan.seqOf(file))
            : 0;
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < scan.records().size(); i++) {
      SpoolRecord r = scan.records().get(i);
      int start = i == 0 ? firstLineEnd(data) : (int) scan.ends()[i - 1];
      byte[] line = Arrays.copyOfRange(data, start, (int) scan.ends()[i] - 1);
      entries.add(
          new Entry(
              r.notificationId(),
              r.producer(),
              r.at(),
              r instanceof SpoolRecord.Accept a ? a.notification() : null,
              kind == Kind.REJECTED ? SpoolRecords.reasonOf(line) : null,
              scan.ends()[i] <= replayedTo));
    }
    return new Contents(file, kind, entries, problem(scan));
  }

  private static String problem(SegmentScan scan) {
    if (scan.isCorrupt()) {
      return scan.corrupt();
    }
    return scan.tornBytes() > 0 ? "torn last line (" + scan.tornBytes() + " bytes)" : null;
  }

  private static int firstLineEnd(byte[] data) {
    for (int i = 0; i < data.length; i++) {
      if (data[i] == '\n') {
        return i + 1;
      }
    }
    return data.length;
  }

  static Kind kindOf(Path file) {
    String name = file.getFileName().toString();
    if (name.startsWith(SegmentScan.CORRUPT_PREFIX)) {
      return Kind.CORRUPT;
    }
    if (name.startsWith(SegmentScan.SET_ASIDE_PREFIX)) {
      return Kind.REJECTED;
    }
    return Kind.SEGMENT;
  }

  /** The spool's files in {@code dir}: segments oldest first, then corrupt, then rejected. */
  private static List<Path> files(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path p : stream) {
        String name = p.getFileName().toString();
        boolean ours =
            SegmentScan.seqOf(p) >= 0
                || name.startsWith(SegmentScan.CORRUPT_PREFIX)
                || name.startsWith(SegmentScan.SET_ASIDE_PREFIX);
        if (ours && Files.isRegularFile(p)) {
          out.add(p);
        }
      }
    }
    out.sort(
        Comparator.comparing((Path p) -> kindOf(p)).thenComparing(p -> p.getFileName().toString()));
    return out;
  }
}
