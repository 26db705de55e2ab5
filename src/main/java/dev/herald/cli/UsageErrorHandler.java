package dev.herald.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * A wrong command line, answered as git does: the one-line error, the command's usage line, and
 * where its help is; not the whole help, in which the error would scroll away. Exit code 2.
 */
public final class UsageErrorHandler implements IParameterExceptionHandler {

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("herald: " + message(e, cmd));
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println("usage: " + cmd.getHelp().abbreviatedSynopsis().stripTrailing());
    err.println("see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
    err.flush();
    return ExitCodes.USAGE;
  }

  /** picocli's message, but for a word where a subcommand should be: what git says then. */
  private static String message(ParameterException e, CommandLine cmd) {
    if (e instanceof UnmatchedArgumentException u
        && !cmd.getSubcommands().isEmpty()
        && !u.getUnmatched().isEmpty()
        && !u.getUnmatched().get(0).startsWith("-")
        && cmd.getParseResult() != null
        && cmd.getParseResult().originalArgs().indexOf(u.getUnmatched().get(0))
            == cmd.getParseResult().originalArgs().size() - u.getUnmatched().size()) {
      return "'"
          + u.getUnmatched().get(0)
          + "' is not a "
          + cmd.getCommandSpec().qualifiedName()
          + " command";
    }
    return e.getMessage();
  }
}
