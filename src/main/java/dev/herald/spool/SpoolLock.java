package dev.herald.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The {@code lock} file of a spool directory, held by the one process that owns the spool. */
final class SpoolLock implements AutoCloseable {

  static final String FILE = "lock";

  private final FileChannel channel;

  private SpoolLock(FileChannel channel) {
    this.channel = channel;
  }

  /**
   * Creates {@code dir} if need be and takes its lock.
   *
   * @throws SpoolLockedException when another process holds it
   */
  static SpoolLock take(Path dir) throws IOException {
    Files.createDirectories(dir);
    FileChannel channel =
        FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock held;
    try {
      held = channel.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      // This process holds it already, on another channel. Closing this one would release that
      // lock too (POSIX drops a process's locks on a file when any of its descriptors is
      // closed), so it stays open: only one process opening a spool twice gets here.
      throw new SpoolLockedException(dir);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    if (held == null) {
      channel.close();
      throw new SpoolLockedException(dir);
    }
    return new SpoolLock(channel);
  }

  /** Another process holds the spool's lock. */
  static final class SpoolLockedException extends IOException {
    SpoolLockedException(Path dir) {
      super(
          "spool.dir "
              + dir.toAbsolutePath()
              + " is held by another Herald process (its lock file is locked); give each process"
              + " a spool.dir of its own");
    }
  }

  /** Releases it (the process's exit would too). */
  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // the lock goes with the process anyway
    }
  }
}
