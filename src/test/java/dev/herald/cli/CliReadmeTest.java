package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The README's CLI section says what {@code --help} says: it cannot drift from the commands. */
class CliReadmeTest {

  private static final Set<String> EVERYWHERE = Set.of("--help", "--version");

  private static String readme() throws Exception {
    return Files.readString(Path.of("README.md"));
  }

  private static List<CommandLine> all(CommandLine root) {
    List<CommandLine> out = new ArrayList<>();
    out.add(root);
    root.getSubcommands().values().forEach(sub -> out.addAll(all(sub)));
    return out;
  }

  @Test
  void the_cli_section_quotes_herald_help_as_it_is() throws Exception {
    String help = CliRun.run("", "--help").out();
    String readme = readme();
    String cli = readme.substring(readme.indexOf("### CLI"), readme.indexOf("### Failure"));
    assertThat(cli).contains("```\n$ herald --help\n" + help + "```");
  }

  @Test
  void every_command_summary_and_every_option_is_in_the_readme() throws Exception {
    String readme = readme().replaceAll("\\s+", " ");
    List<String> missing = new ArrayList<>();
    for (CommandLine command : all(HeraldCommand.commandLine())) {
      String name = command.getCommandSpec().qualifiedName();
      if (command.getParent() != null && command.getParent().getParent() == null) {
        String summary = command.getCommandSpec().usageMessage().description()[0];
        if (!readme.contains(summary)) {
          missing.add(name + "'s summary: " + summary);
        }
      }
      for (OptionSpec option : command.getCommandSpec().options()) {
        String longest = option.longestName();
        if (!EVERYWHERE.contains(longest) && !readme.contains(longest)) {
          missing.add(name + " " + longest);
        }
      }
    }
    assertThat(missing).as("in --help, not in the README").isEmpty();
  }
}
