package dev.herald.cli;

import dev.herald.config.ConfigLoader;
import dev.herald.config.ConfigLookup;
import dev.herald.config.HeraldConfig;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option every command takes. */
public final class ConfigOption {

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description =
          "YAML config file (default: $HERALD_CONFIG, else ./config/herald.yaml, else"
              + " /etc/herald/herald.yaml, else the embedded Redis)")
  Path file;

  private Optional<ConfigLookup.Found> found;

  /**
   * Loads the config; the file is looked up once, so that a reload (SIGHUP) reads the same file the
   * command started with.
   */
  HeraldConfig load() {
    ConfigLoader loader = new ConfigLoader(System.getenv());
    if (found == null) {
      found = loader.resolve(file);
    }
    return loader.load(found.orElse(null));
  }
}
