package dev.herald;

import dev.herald.cli.HeraldCommand;

/** Entry point of the {@code herald} command. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code, without exiting (for tests). */
  public static int execute(String... args) {
    return HeraldCommand.commandLine().execute(args);
  }
}
