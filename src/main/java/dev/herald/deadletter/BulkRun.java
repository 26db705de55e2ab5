package dev.herald.deadletter;

import dev.herald.store.DeadLetter;
import dev.herald.store.DeadLetterStore;
import dev.herald.store.DeadLetterStore.Change;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Requeues or purges dead letters in slices as a source streams them: each slice is one atomic
 * store call per route, so stopping between slices (Ctrl-C) leaves every route either changed or
 * still a dead letter, and running the same operation again continues where it stopped, since only
 * routes that are still dead letters match.
 */
public final class BulkRun {

  /** Routes per store call when no rate limits it: a few hundred keep Redis responsive. */
  public static final int SLICE = 250;

  /** Failure lines a summary keeps. */
  static final int NOTES = 20;

  /** What to do with one slice; results in the order of the slice. */
  public interface Action {
    List<Change> apply(List<DeadLetter> slice, Instant now);
  }

  /** Told after each slice. */
  public interface Progress {
    Progress NONE = (soFar, scanned, total, elapsed) -> {};

    void update(Summary soFar, long scanned, long total, Duration elapsed);
  }

  /**
   * @param limit most routes to act on; 0 for no limit
   * @param pacer bounds the rate
   * @param stop checked before each slice: true stops the run (e.g. after Ctrl-C)
   * @param onMatch called with each matching dead letter before it is acted on
   */
  public record Options(
      long limit,
      Pacer pacer,
      BooleanSupplier stop,
      Progress progress,
      Consumer<DeadLetter> onMatch) {}

  /**
   * What a run did.
   *
   * @param matched routes that matched (and, unless interrupted, were acted on)
   * @param changed requeued or purged
   * @param notDead not dead letters (any more) when their turn came: left alone
   * @param failed could not be acted on; see {@code notes}
   * @param interrupted stopped early: the matched routes not acted on are still dead letters
   * @param notes the first failures, one line each ({@code <route>: <why>})
   */
  public record Summary(
      long matched,
      long changed,
      long notDead,
      long failed,
      boolean interrupted,
      List<String> notes) {

    public Summary {
      notes = List.copyOf(notes);
    }

    /** Matched routes not acted on because the run stopped. */
    public long notDone() {
      return matched - changed - notDead - failed;
    }

    /** Adds routes found not to be dead letters before the run (explicit references). */
    public Summary plus(long moreNotDead, long moreFailed, List<String> moreNotes) {
      List<String> all = new ArrayList<>(moreNotes);
      all.addAll(notes);
      return new Summary(
          matched + moreNotDead + moreFailed,
          changed,
          notDead + moreNotDead,
          failed + moreFailed,
          interrupted,
          all.subList(0, Math.min(all.size(), NOTES)));
    }
  }

  private final Clock clock;

  public BulkRun(Clock clock) {
    this.clock = clock;
  }

  /** Runs {@code action} over what {@code source} yields; a null action is a dry run. */
  public Summary run(DeadLetterSource source, Action action, Options options) {
    Run run = new Run(source, action, options);
    source.total(); // counted before anything changes, for the progress
    source.forEach(run::offer);
    if (!run.interrupted && !run.buffer.isEmpty()) {
      run.flush();
    }
    return run.summary();
  }

  private final class Run {
    final DeadLetterSource source;
    final Action action;
    final Options options;
    final Instant start = clock.instant();
    final int slice;
    final List<DeadLetter> buffer = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    long matched;
    long changed;
    long notDead;
    long failed;
    boolean interrupted;

    Run(DeadLetterSource source, Action action, Options options) {
      this.source = source;
      this.action = action;
      this.options = options;
      this.slice = Math.min(options.pacer().stepSize(SLICE), DeadLetterStore.MAX_SLICE);
    }

    boolean offer(DeadLetter d) {
      if (options.stop().getAsBoolean()) {
        interrupted = true;
        return false;
      }
      matched++;
      options.onMatch().accept(d);
      buffer.add(d);
      boolean limitReached = options.limit() > 0 && matched >= options.limit();
      if (buffer.size() >= slice || limitReached) {
        return flush() && !limitReached;
      }
      return true;
    }

    boolean flush() {
      try {
        options.pacer().acquire(buffer.size());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        interrupted = true;
        return false;
      }
      if (options.stop().getAsBoolean()) {
        interrupted = true;
        return false;
      }
      if (action != null) {
        List<Change> changes = action.apply(List.copyOf(buffer), clock.instant());
        for (int i = 0; i < changes.size(); i++) {
          count(buffer.get(i), changes.get(i));
        }
      }
      buffer.clear();
      options
          .progress()
          .update(
              summary(),
              source.scanned(),
              source.total(),
              Duration.between(start, clock.instant()));
      return true;
    }

    void count(DeadLetter d, Change change) {
      switch (change.outcome()) {
        case CHANGED -> changed++;
        case NOT_DEAD -> notDead++;
        case FAILED -> {
          failed++;
          if (notes.size() < NOTES) {
            notes.add(d.ref() + ": " + change.detail());
          }
        }
      }
    }

    Summary summary() {
      return new Summary(matched, changed, notDead, failed, interrupted, notes);
    }
  }
}
