package dev.herald.model;

import java.util.Map;
import java.util.TreeMap;

/** Named counters, as the store keeps them in a hash; a counter at 0 is the same as none. */
final class Tally {

  private final Map<String, Long> counts = new TreeMap<>();

  void add(String name, long n) {
    if (n != 0) {
      counts.merge(name, n, Long::sum);
    }
  }

  long get(String name) {
    return counts.getOrDefault(name, 0L);
  }

  /** The counters that are not 0, sorted by name. */
  Map<String, Long> nonZero() {
    Map<String, Long> out = new TreeMap<>(counts);
    out.values().removeIf(v -> v == 0);
    return out;
  }

  static Map<String, Long> nonZero(Map<String, Long> counts) {
    Map<String, Long> out = new TreeMap<>(counts);
    out.values().removeIf(v -> v == 0);
    return out;
  }
}
