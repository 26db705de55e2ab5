package dev.herald.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where an import stands, next to its input ({@code dead.ndjson.checkpoint}): the first line not
 * imported yet, written after each slice is in the store, so that a run stopped by Ctrl-C or
 * SIGKILL continues there. It names the input (path, size, modification time) and the target (Redis
 * and namespace) and mode it was for; one that does not match is not used. A slice the store took
 * whose checkpoint was not written yet is sent again on the next run, and finds its dead letters
 * imported already (their ids are derived, see {@link DeadLetterLines}).
 */
final class ImportCheckpoint {

  private final Path file;
  private final Map<String, String> identity;

  /**
   * @param input the file imported
   * @param target the Redis and namespace imported into, in words
   * @param mode {@code dead-letter} or {@code requeue}
   */
  ImportCheckpoint(Path input, String target, String mode) {
    this.file = input.resolveSibling(input.getFileName() + ".checkpoint");
    try {
      this.identity =
          Map.of(
              "input", input.toAbsolutePath().normalize().toString(),
              "input_size", Long.toString(Files.size(input)),
              "input_modified", Long.toString(Files.getLastModifiedTime(input).toMillis()),
              "target", target,
              "mode", mode);
    } catch (NoSuchFileException e) {
      throw new BadInputException("no such file: " + input);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path file() {
    return file;
  }

  /** The line to go on from, when a checkpoint for this input, target and mode is there. */
  Optional<Long> resumeAt() {
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(file)) {
      p.load(in);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty(); // unreadable: starting over is safe (imports are idempotent)
    }
    for (Map.Entry<String, String> e : identity.entrySet()) {
      if (!e.getValue().equals(p.getProperty(e.getKey()))) {
        return Optional.empty();
      }
    }
    try {
      return Optional.of(Long.parseLong(p.getProperty("next_line")));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Lines before {@code nextLine} (1-based) are in the store. Atomic: a crash keeps the last. */
  void save(long nextLine) {
    Properties p = new Properties();
    p.putAll(identity);
    p.setProperty("next_line", Long.toString(nextLine));
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (var out = Files.newBufferedWriter(tmp)) {
      p.store(out, "herald dead-letters import: where it stands; delete it to start over");
    } catch (IOException e) {
      throw new BadInputException(
          "cannot write the checkpoint " + tmp + " next to the input (" + e.getMessage() + ")");
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The whole input is in: nothing to continue. */
  void delete() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a stale checkpoint only makes a rerun skip lines that are imported anyway
    }
  }
}
