package dev.herald.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One segment file read whole: its records with the offset where each ends, and whether its end is
 * torn or its body unreadable.
 *
 * <p>A write cut by a crash can only leave the last line incomplete (or, when the file system lost
 * unsynced pages, a run of zeros at the end): such a last line is a <em>torn tail</em>, to be
 * truncated. A bad line followed by a good one, or a file without a valid header, is not what a
 * crash makes: the segment is <em>corrupt</em>, kept aside for an operator, never replayed.
 *
 * @param records the readable records, in file order
 * @param ends the offset just past each record's newline
 * @param validBytes the length of the file up to the end of its last good line
 * @param tornBytes bytes after {@code validBytes} (a torn last line), 0 when none
 * @param corrupt why the segment is corrupt; null when it is not
 */
record SegmentScan(
    List<SpoolRecord> records, long[] ends, long validBytes, long tornBytes, String corrupt) {

  static final String PREFIX = "segment-";
  static final String SUFFIX = ".ndjson";
  static final String CORRUPT_PREFIX = "corrupt-";
  static final String SET_ASIDE_PREFIX = "rejected-";

  static String fileName(long seq) {
    return String.format("%s%020d%s", PREFIX, seq, SUFFIX);
  }

  /** The sequence number in a segment file's name, or -1 when it is not one. */
  static long seqOf(Path file) {
    String name = file.getFileName().toString();
    if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) {
      return -1;
    }
    try {
      return Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  boolean isCorrupt() {
    return corrupt != null;
  }

  static SegmentScan read(Path file) throws IOException {
    return of(Files.readAllBytes(file), seqOf(file));
  }

  /** The first record that ends after {@code offset} (a checkpoint: those before are stored). */
  int firstAfter(long offset) {
    int i = 0;
    while (i < records.size() && ends[i] <= offset) {
      i++;
    }
    return i;
  }

  static SegmentScan of(byte[] data, long expectedSeq) {
    List<SpoolRecord> records = new ArrayList<>();
    List<Long> ends = new ArrayList<>();
    int start = 0;
    int lineNo = 0;
    long validBytes = 0;
    while (start < data.length) {
      int nl = indexOf(data, (byte) '\n', start);
      int end = nl < 0 ? data.length : nl;
      boolean last = nl < 0 || isBlankOrZero(data, nl + 1);
      byte[] line = Arrays.copyOfRange(data, start, end);
      String problem = null;
      SpoolRecord record = null;
      try {
        if (lineNo == 0) {
          long seq = SpoolRecords.readHeader(line);
          if (expectedSeq >= 0 && seq != expectedSeq) {
            problem = "its header names segment " + seq;
          }
        } else {
          record = SpoolRecords.decode(line);
        }
      } catch (IllegalArgumentException e) {
        problem = e.getMessage();
      }
      if (problem != null || nl < 0) {
        if (last && (problem == null || lineNo > 0 || nl < 0)) {
          // A cut write: at most one incomplete last line (a complete record without its newline
          // is cut too: its append never returned).
          return scan(records, ends, validBytes, data.length - validBytes, null);
        }
        return scan(
            records,
            ends,
            validBytes,
            0,
            (lineNo == 0 ? "header" : "line " + (lineNo + 1)) + " unreadable: " + problem);
      }
      if (record != null) {
        records.add(record);
        ends.add((long) nl + 1);
      }
      validBytes = nl + 1;
      start = nl + 1;
      lineNo++;
      if (last) {
        break;
      }
    }
    return scan(records, ends, validBytes, data.length - validBytes, null);
  }

  private static SegmentScan scan(
      List<SpoolRecord> records, List<Long> ends, long valid, long torn, String corrupt) {
    return new SegmentScan(
        List.copyOf(records),
        ends.stream().mapToLong(Long::longValue).toArray(),
        valid,
        torn,
        corrupt);
  }

  private static int indexOf(byte[] data, byte b, int from) {
    for (int i = from; i < data.length; i++) {
      if (data[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** True when nothing but newlines, spaces and zero bytes follows {@code from}. */
  private static boolean isBlankOrZero(byte[] data, int from) {
    for (int i = from; i < data.length; i++) {
      byte b = data[i];
      if (b != 0 && b != '\n' && b != ' ' && b != '\r') {
        return false;
      }
    }
    return true;
  }
}
