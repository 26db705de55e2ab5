package dev.herald.bench;

import java.util.Arrays;

/** Order statistics of measured values. */
final class Stats {

  private Stats() {}

  static double median(double[] values) {
    return percentile(values, 50);
  }

  /** Nearest-rank percentile (p in 0..100) of unsorted values; 0 for none. */
  static double percentile(double[] values, double p) {
    if (values.length == 0) {
      return 0;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    if (p >= 100) {
      return sorted[sorted.length - 1];
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
