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
      err.println(
          "herald: "
              + e.getMessage()
              + "\n  hint: check the credentials in redis.url or HERALD_REDIS_PASSWORD");
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
