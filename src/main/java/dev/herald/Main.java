package dev.herald;

import dev.herald.cli.ErrorHandler;
import dev.herald.cli.HeraldCommand;
import picocli.CommandLine;

/** Entry point of the {@code herald} command. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code, without exiting (for tests). */
  public static int execute(String... args) {
    return new CommandLine(new HeraldCommand())
        .setExecutionExceptionHandler(new ErrorHandler())
        .execute(args); // picocli answers a bad command line with 2 (ExitCodes.USAGE)
  }
}
