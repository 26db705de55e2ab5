package dev.herald.config;

import java.time.Duration;
import java.util.List;

/** The checks every section's validation uses; each problem goes to one shared list, in order. */
abstract class ConfigChecks {

  /** Every problem found so far, in the order of the checks. */
  protected final List<String> problems;

  ConfigChecks(List<String> problems) {
    this.problems = problems;
  }

  /** A Redis key (or group) name: not blank, no whitespace or control characters. */
  void keyName(String key, String value) {
    if (value.isBlank() || value.chars().anyMatch(ch -> ch <= ' ')) {
      problems.add(key + " must be a key name without whitespace (was '" + value + "')");
    }
  }

  void oneOf(String key, String value, List<String> allowed) {
    if (value != null && !allowed.contains(value)) {
      problems.add(
          key + " must be one of " + String.join(", ", allowed) + " (was '" + value + "')");
    }
  }

  void between(String key, long value, long min, long max) {
    if (value < min || value > max) {
      problems.add(key + " must be between " + min + " and " + max + " (was " + value + ")");
    }
  }

  void between(String key, Duration value, Duration min, Duration max) {
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      problems.add(
          key
              + " must be between "
              + Durations.format(min)
              + " and "
              + Durations.format(max)
              + " (was "
              + Durations.format(value)
              + ")");
    }
  }
}
