package dev.herald.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalDouble;

/**
 * The rate of a growing count over the last seconds, from samples taken as it grows. Measured
 * between samples, never from the start: a paced run admits its first slice at once, and counting
 * from zero at the start would show a multiple of the pace for the first seconds (a {@code --rate
 * 50} showing 174/s). No rate until the samples span a second.
 */
final class RecentRate {

  static final Duration WINDOW = Duration.ofSeconds(5);
  static final Duration SHORTEST_SPAN = Duration.ofSeconds(1);

  private record Sample(Instant at, long count) {}

  private final Deque<Sample> samples = new ArrayDeque<>();

  void add(Instant at, long count) {
    samples.addLast(new Sample(at, count));
    while (samples.size() > 2 && samples.peekFirst().at().isBefore(at.minus(WINDOW))) {
      samples.removeFirst();
    }
  }

  /** Per second over the window, once the samples span at least a second. */
  OptionalDouble perSecond() {
    if (samples.size() < 2) {
      return OptionalDouble.empty();
    }
    Sample first = samples.peekFirst();
    Sample last = samples.peekLast();
    Duration span = Duration.between(first.at(), last.at());
    if (span.compareTo(SHORTEST_SPAN) < 0) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of((last.count() - first.count()) * 1000.0 / span.toMillis());
  }
}
