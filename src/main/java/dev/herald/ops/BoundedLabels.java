package dev.herald.ops;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a metric label's values few: the first {@code max} distinct values seen are used as they
 * are, every later one becomes {@code other}. Notification types come from producers, and each
 * distinct label value is a time series kept forever by Prometheus.
 */
final class BoundedLabels {

  static final String OTHER = "other";
  static final String UNKNOWN = "unknown";

  private final int max;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  BoundedLabels(int max) {
    this.max = max;
  }

  String of(String value) {
    if (value == null || value.isEmpty()) {
      return UNKNOWN;
    }
    if (seen.contains(value)) {
      return value;
    }
    synchronized (this) {
      if (seen.size() < max) {
        seen.add(value);
        return value;
      }
    }
    return seen.contains(value) ? value : OTHER;
  }
}
