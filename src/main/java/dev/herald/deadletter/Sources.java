package dev.herald.deadletter;

import dev.herald.store.DeadLetter;
import java.util.List;
import java.util.function.Predicate;

/** Dead-letter sources made of others: one after another, or only what a test lets through. */
public final class Sources {

  private Sources() {}

  /** The dead letters of each source in turn; stopping in one stops all. */
  public static DeadLetterSource concat(List<DeadLetterSource> sources) {
    return new DeadLetterSource() {
      @Override
      public void forEach(Predicate<DeadLetter> visitor) {
        boolean[] stopped = {false};
        for (DeadLetterSource s : sources) {
          s.forEach(
              d -> {
                if (!visitor.test(d)) {
                  stopped[0] = true;
                  return false;
                }
                return true;
              });
          if (stopped[0]) {
            return;
          }
        }
      }

      @Override
      public long scanned() {
        return sources.stream().mapToLong(DeadLetterSource::scanned).sum();
      }

      @Override
      public long total() {
        return sources.stream().mapToLong(DeadLetterSource::total).sum();
      }
    };
  }

  /** The dead letters of {@code source} that {@code keep} accepts. */
  public static DeadLetterSource filtered(DeadLetterSource source, Predicate<DeadLetter> keep) {
    return new DeadLetterSource() {
      @Override
      public void forEach(Predicate<DeadLetter> visitor) {
        source.forEach(d -> !keep.test(d) || visitor.test(d));
      }

      @Override
      public long scanned() {
        return source.scanned();
      }

      @Override
      public long total() {
        return source.total();
      }
    };
  }
}
