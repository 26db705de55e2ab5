package dev.herald.cli;

import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option every command takes. */
public final class ConfigOption {

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description =
          "YAML config file (default: config/herald.yaml if it exists, else built-in defaults)")
  Path file;

  HeraldConfig load() {
    return new ConfigLoader(System.getenv()).load(file);
  }
}
