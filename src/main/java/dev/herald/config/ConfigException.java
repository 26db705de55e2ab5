package dev.herald.config;

import java.util.List;

/** The configuration cannot be used. Carries every problem found, each naming its key. */
public final class ConfigException extends RuntimeException {

  private final List<String> problems;

  public ConfigException(String source, List<String> problems) {
    super(format(source, problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }

  private static String format(String source, List<String> problems) {
    StringBuilder out = new StringBuilder("invalid configuration");
    if (source != null) {
      out.append(" in ").append(source);
    }
    out.append(problems.size() == 1 ? ": " : " (" + problems.size() + " problems):");
    if (problems.size() == 1) {
      out.append(problems.get(0));
    } else {
      problems.forEach(p -> out.append("\n  - ").append(p));
    }
    return out.toString();
  }
}
