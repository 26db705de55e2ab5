package dev.herald.spool;

import dev.herald.domain.Notification;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Finds one notification in a segment file by its id: the lines are scanned for the one that
 * begins {@code {"id":"<id>"} (as {@link SpoolRecords} writes every notification). A segment holds
 * at most {@code spool.segment-age} of traffic, and only segments whose ids' times cover the id's
 * are read, so a look-up reads one segment or two.
 */
final class SpoolLookup {

  private SpoolLookup() {}

  /** A segment file to look in: from offset {@code from} (a checkpoint) to {@code bytes}. */
  record Part(Path file, long from, long bytes) {}

  /** The notification {@code id} in the first of {@code parts} that holds it; else empty. */
  static Optional<Notification> find(List<Part> parts, String id) {
    for (Part p : parts) {
      Optional<Notification> n = find(p.file(), p.bytes(), p.from(), id);
      if (n.isPresent()) {
        return n;
      }
    }
    return Optional.empty();
  }

  /**
   * The notification {@code id} in the first {@code bytes} of {@code file}, at or after offset
   * {@code from} (a checkpoint: what comes before is in the store); empty when it is not there or
   * the file is gone (replayed meanwhile).
   */
  static Optional<Notification> find(Path file, long bytes, long from, String id) {
    byte[] data;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      int n = (int) Math.min(bytes, Math.min(ch.size(), Integer.MAX_VALUE - 8));
      ByteBuffer buffer = ByteBuffer.allocate(n);
      while (buffer.hasRemaining() && ch.read(buffer, buffer.position()) >= 0) {
        // positional reads until full
      }
      data = buffer.array();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty(); // a look-up never fails a request; the replay reports trouble
    }
    byte[] needle = ("{\"id\":\"" + id + "\"").getBytes(StandardCharsets.US_ASCII);
    int start = 0;
    while (start < data.length) {
      int nl = indexOf(data, start);
      int end = nl < 0 ? data.length : nl;
      if (start >= from && startsWith(data, start, end, needle)) {
        if (nl < 0) {
          return Optional.empty(); // still being written
        }
        try {
          SpoolRecord r = SpoolRecords.decode(Arrays.copyOfRange(data, start, end));
          return r instanceof SpoolRecord.Accept a
              ? Optional.of(a.notification())
              : Optional.empty();
        } catch (IllegalArgumentException e) {
          return Optional.empty();
        }
      }
      if (nl < 0) {
        break;
      }
      start = nl + 1;
    }
    return Optional.empty();
  }

  private static int indexOf(byte[] data, int from) {
    for (int i = from; i < data.length; i++) {
      if (data[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static boolean startsWith(byte[] data, int start, int end, byte[] needle) {
    if (end - start < needle.length) {
      return false;
    }
    for (int i = 0; i < needle.length; i++) {
      if (data[start + i] != needle[i]) {
        return false;
      }
    }
    return true;
  }
}
