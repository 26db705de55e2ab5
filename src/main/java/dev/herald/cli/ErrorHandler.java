package dev.herald.cli;

import dev.herald.config.ConfigException;
import dev.herald.outbox.OutboxSetupException;
import dev.herald.store.CorruptRecordException;
import dev.herald.store.StoreAccessDeniedException;
import dev.herald.store.StoreUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Turns a command's failure into one clear line on stderr and a documented exit code. */
public final class ErrorHandler implements IExecutionExceptionHandler {

  /** What to check when Redis refuses Herald: an authentication or ACL problem, not an outage. */
  static final String ACCESS_HINT =
      "check the user and password in redis.url (or HERALD_REDIS_PASSWORD), and that its ACL lets"
          + " it run Herald's commands (SCRIPT LOAD, EVALSHA, TIME, PING, stream and pub/sub"
          + " commands on Herald's keys and streams); retrying will not help";

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    var err = cmd.getErr();
    if (e instanceof NotFoundException) {
      err.println("herald: " + e.getMessage());
      return ExitCodes.FAILURE;
    }
    if (e instanceof BadInputException) {
      err.println("herald: " + e.getMessage());
      return ExitCodes.BAD_INPUT;
    }
    if (e instanceof ConfigException) {
      err.println("herald: " + e.getMessage());
      return ExitCodes.CONFIG;
    }
    if (e instanceof OutboxSetupException) {
      err.println("herald: " + e.getMessage());
      return ExitCodes.CONFIG;
    }
    if (e instanceof StoreAccessDeniedException) {
      err.println("herald: " + e.getMessage() + "\n  hint: " + ACCESS_HINT);
      return ExitCodes.CONFIG;
    }
    if (e instanceof StoreUnavailableException) {
      err.println("herald: " + e.getMessage());
      return ExitCodes.UNAVAILABLE;
    }
    if (e instanceof CorruptRecordException) {
      err.println("herald: broken record in Redis: " + e.getMessage());
      return ExitCodes.FAILURE;
    }
    err.println("herald: " + e);
    if (System.getenv("HERALD_DEBUG") != null) {
      e.printStackTrace(err);
    } else {
      err.println("  (set HERALD_DEBUG=1 for the stack trace)");
    }
    return ExitCodes.FAILURE;
  }
}
