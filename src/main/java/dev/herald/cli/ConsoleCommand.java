package dev.herald.cli;

import dev.herald.console.Passwords;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "console",
    description = "Set up the web console that herald run serves on console.listen.",
    subcommands = {ConsoleCommand.HashPassword.class},
    footer = {"", "Examples:", "  herald console hash-password < password.txt"})
final class ConsoleCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing subcommand: hash-password");
  }

  @Command(
      name = "hash-password",
      description = {
        "Read a password (the first line of stdin) and print its salted hash.",
        "console.users[].password-hash takes the hash, so the config holds no password.",
      },
      footer = {
        "",
        "Examples:",
        "  read -rs PW && printf '%s\\n' \"$PW\" | herald console hash-password",
        "",
        "Exit codes: 0 ok, 65 no password on stdin.",
      })
  static final class HashPassword implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      String line =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      if (line == null || line.isEmpty()) {
        throw new BadInputException("no password on stdin: give it as the first line");
      }
      spec.commandLine().getOut().println(Passwords.hash(line.toCharArray(), Passwords.ITERATIONS));
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }
}
