package dev.herald.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Where the output goes: whether a standard stream is a terminal, and how wide the terminal is.
 *
 * <p>Java 17 cannot ask isatty(2) of one stream: {@code System.console()} is there when stdin and
 * stdout are terminals, whatever stderr is, so a command whose stderr is redirected to a file from
 * a terminal would write a terminal's progress line (carriage returns, erase codes) into the file.
 * On Linux each stream's file is in {@code /proc/self/fd}: a terminal is a {@code /dev/pts/N} or
 * {@code /dev/ttyN}; a file, pipe or journald's socket is not. Elsewhere {@code System.console()}
 * is the best guess there is.
 */
final class Screen {

  /** Width of a terminal whose width cannot be read, and of the help. */
  static final int FALLBACK_WIDTH = 100;

  /** Tables that are never cut: not a terminal, or {@code --wide}. */
  static final int UNLIMITED = Integer.MAX_VALUE;

  private static final Path FDS = Path.of("/proc/self/fd");

  private Screen() {}

  /** Whether standard stream {@code fd} (0, 1 or 2) is a terminal. */
  static boolean isTerminal(int fd) {
    if (Files.isDirectory(FDS)) {
      try {
        String target = Files.readSymbolicLink(FDS.resolve(Integer.toString(fd))).toString();
        return target.startsWith("/dev/pts/")
            || target.startsWith("/dev/tty")
            || target.equals("/dev/console");
      } catch (IOException | UnsupportedOperationException e) {
        return false;
      }
    }
    return System.console() != null;
  }

  /**
   * How wide tables on stdout may be: never cut when stdout is not a terminal (a pipe, a file: the
   * reader has all of it) or with {@code --wide}, else the terminal's width.
   */
  static int tableWidth(boolean wide) {
    if (wide || !isTerminal(1)) {
      return UNLIMITED;
    }
    return terminalWidth().orElse(FALLBACK_WIDTH);
  }

  /** The width of the terminal on stderr, for a progress line rewritten in place. */
  static int progressWidth() {
    return terminalWidth().orElse(FALLBACK_WIDTH);
  }

  /** {@code $COLUMNS} when exported, else what {@code stty size} says of the terminal. */
  static OptionalInt terminalWidth() {
    String columns = System.getenv("COLUMNS");
    if (columns != null && columns.matches("\\d{1,4}") && Integer.parseInt(columns) > 0) {
      return OptionalInt.of(Integer.parseInt(columns));
    }
    try {
      Process stty =
          new ProcessBuilder("stty", "size")
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/tty")))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!stty.waitFor(1, TimeUnit.SECONDS)) {
        stty.destroyForcibly();
        return OptionalInt.empty();
      }
      String[] size =
          new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
              .trim()
              .split("\\s+");
      if (size.length == 2 && size[1].matches("\\d{1,4}") && Integer.parseInt(size[1]) > 0) {
        return OptionalInt.of(Integer.parseInt(size[1]));
      }
    } catch (IOException e) {
      // no stty, or no terminal to ask
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return OptionalInt.empty();
  }
}
