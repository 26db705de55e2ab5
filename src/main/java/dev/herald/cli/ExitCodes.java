package dev.herald.cli;

/** The exit codes of every command (sysexits.h where one fits). */
public final class ExitCodes {
  public static final int OK = 0;

  /** Something failed; the message says what. */
  public static final int FAILURE = 1;

  /** Wrong command line. */
  public static final int USAGE = 2;

  /** Some items succeeded, others did not; the output says which. */
  public static final int PARTIAL = 3;

  /**
   * A write was sent and Redis never replied, even to the repeats: it may have been done, or not.
   * Unlike {@link #UNAVAILABLE}, running the same command again is not always safe; the message
   * says how to check (for {@code submit}: {@code herald routes show <id>}).
   */
  public static final int OUTCOME_UNKNOWN = 4;

  /** The input (a notification, a file) was invalid. */
  public static final int BAD_INPUT = 65;

  /** Redis could not be reached: nothing was done, so running the command again is safe. */
  public static final int UNAVAILABLE = 69;

  /** The configuration is invalid, or Redis refused our credentials. */
  public static final int CONFIG = 78;

  private ExitCodes() {}
}
