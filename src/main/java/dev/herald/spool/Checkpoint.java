package dev.herald.spool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * How far the replayer got: the segment it works on and the offset up to which every record of it
 * is in the store. Written (forced, then renamed over the old one) after each replayed batch, so
 * that a crash repeats at most one batch, which the store recognises by its ids.
 *
 * @param segment the segment's sequence number; -1 when nothing was replayed yet
 * @param offset bytes of that segment replayed (header included)
 */
record Checkpoint(long segment, long offset) {

  static final String FILE = "checkpoint.json";
  static final Checkpoint NONE = new Checkpoint(-1, 0);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The offset to resume {@code seq} from: 0 unless the checkpoint is about that segment. */
  long offsetIn(long seq) {
    return seq == segment ? offset : 0;
  }

  static Checkpoint read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      return NONE;
    }
    try {
      JsonNode node = MAPPER.readTree(Files.readAllBytes(file));
      return new Checkpoint(node.get("segment").asLong(), node.get("offset").asLong());
    } catch (IOException | RuntimeException e) {
      // A checkpoint only saves work: from the start of the segment, the store recognises each
      // record replayed before by its id.
      return NONE;
    }
  }

  void write(Path dir) throws IOException {
    Path tmp = dir.resolve(FILE + ".tmp");
    byte[] json =
        ("{\"segment\":" + segment + ",\"offset\":" + offset + "}\n")
            .getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(ByteBuffer.wrap(json));
      ch.force(false);
    }
    Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
    forceDirectory(dir);
  }

  /** Makes a file created or renamed in {@code dir} survive a power loss (Linux, macOS). */
  static void forceDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      if (!System.getProperty("os.name", "").startsWith("Windows")) {
        throw e;
      }
    }
  }
}
