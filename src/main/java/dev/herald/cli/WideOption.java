package dev.herald.cli;

import picocli.CommandLine.Option;

/**
 * How wide tables are: never cut when stdout is not a terminal (a pipe or a file gets every
 * character), the terminal's width when it is, never cut with {@code --wide}.
 */
final class WideOption {

  @Option(
      names = "--wide",
      description = "never cut table cells, also on a terminal (off a terminal they never are)")
  boolean wide;

  /** The width tables are cut to ({@link Screen#UNLIMITED}: never cut). */
  int width() {
    return Screen.tableWidth(wide);
  }
}
