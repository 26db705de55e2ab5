package dev.herald.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "completion",
    description = "Print a bash (and zsh) completion script for herald.",
    footer = {
      "",
      "Examples:",
      "  source <(herald completion)                      # this shell",
      "  herald completion > /etc/bash_completion.d/herald   # every new shell",
      "",
      "Exit codes: 0 ok.",
    })
final class CompletionCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().print(AutoComplete.bash("herald", spec.root().commandLine()));
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
