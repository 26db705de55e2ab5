package dev.herald.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.domain.Failure;
import dev.herald.domain.FailureKind;
import dev.herald.store.DeadLetter;
import dev.herald.store.DeadLetterStore.Change;
import dev.herald.store.DeadLetterStore.Route;
import dev.herald.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class BulkRunTest {

  private final MutableClock clock = MutableClock.atNoon();

  /** n dead letters, newest first, served like a scan. */
  private static DeadLetterSource source(int n) {
    return new DeadLetterSource() {
      long scanned;

      @Override
      public void forEach(Predicate<DeadLetter> visitor) {
        for (int i = 0; i < n; i++) {
          scanned++;
          Instant at = Instant.parse("2026-11-25T11:00:00Z").minusSeconds(i);
          DeadLetter d =
              new DeadLetter(
                  "n" + i,
                  0,
                  null,
                  "x",
                  1,
                  at,
                  List.of(new Failure(FailureKind.CORRUPT_RECORD, "x", at, 1)));
          if (!visitor.test(d)) {
            return;
          }
        }
      }

      @Override
      public long scanned() {
        return scanned;
      }

      @Override
      public long total() {
        return n;
      }
    };
  }

  private final List<Integer> slices = new ArrayList<>();

  /** Changes every route, except that n3 is not dead any more and n5 fails. */
  private final BulkRun.Action action =
      (slice, now) -> {
        slices.add(slice.size());
        return slice.stream()
            .map(
                d -> {
                  Route r = new Route(d.notificationId(), d.index());
                  return switch (d.notificationId()) {
                    case "n3" -> new Change(r, Change.Outcome.NOT_DEAD, "pending");
                    case "n5" -> new Change(r, Change.Outcome.FAILED, "unreadable");
                    default -> new Change(r, Change.Outcome.CHANGED, "");
                  };
                })
            .toList();
      };

  private BulkRun.Options options(long limit, java.util.function.BooleanSupplier stop) {
    return new BulkRun.Options(limit, Pacer.unlimited(clock), stop, BulkRun.Progress.NONE, d -> {});
  }

  @Test
  void acts_in_slices_and_counts_each_outcome() {
    BulkRun.Summary s = new BulkRun(clock).run(source(600), action, options(0, () -> false));
    assertThat(slices).containsExactly(250, 250, 100);
    assertThat(s.matched()).isEqualTo(600);
    assertThat(s.changed()).isEqualTo(598);
    assertThat(s.notDead()).isEqualTo(1);
    assertThat(s.failed()).isEqualTo(1);
    assertThat(s.notes()).containsExactly("n5/#0: unreadable");
    assertThat(s.interrupted()).isFalse();
    assertThat(s.notDone()).isZero();
  }

  @Test
  void a_limit_acts_on_no_more_routes_than_it_says() {
    BulkRun.Summary s = new BulkRun(clock).run(source(600), action, options(260, () -> false));
    assertThat(slices).containsExactly(250, 10);
    assertThat(s.matched()).isEqualTo(260);
  }

  @Test
  void a_stop_between_slices_leaves_the_rest_untouched_and_says_so() {
    BulkRun.Summary s =
        new BulkRun(clock).run(source(600), action, options(0, () -> slices.size() == 1));
    assertThat(slices).containsExactly(250);
    assertThat(s.interrupted()).isTrue();
    assertThat(s.changed() + s.notDead() + s.failed()).isEqualTo(250);
    assertThat(s.notDone()).isEqualTo(s.matched() - 250);
  }

  @Test
  void a_dry_run_only_counts_and_progress_is_told_after_each_slice() {
    List<String> progress = new ArrayList<>();
    List<String> matched = new ArrayList<>();
    BulkRun.Summary dry =
        new BulkRun(clock)
            .run(
                source(300),
                null,
                new BulkRun.Options(
                    0,
                    Pacer.unlimited(clock),
                    () -> false,
                    (soFar, scanned, total, elapsed) ->
                        progress.add(soFar.matched() + "/" + scanned + "/" + total),
                    d -> matched.add(d.ref())));
    assertThat(dry.matched()).isEqualTo(300);
    assertThat(dry.changed()).isZero();
    assertThat(matched).hasSize(300).startsWith("n0/#0");
    assertThat(progress).containsExactly("250/250/300", "300/300/300");
  }

  @Test
  void a_rate_paces_the_slices() {
    List<Duration> waits = new ArrayList<>();
    Pacer pacer =
        new Pacer(
            40,
            clock,
            d -> {
              waits.add(d);
              clock.advance(d);
            });
    new BulkRun(clock)
        .run(
            source(100),
            action,
            new BulkRun.Options(0, pacer, () -> false, BulkRun.Progress.NONE, d -> {}));
    assertThat(slices).hasSize(10).allMatch(n -> n == 10);
    assertThat(waits).hasSize(9);
    assertThat(clock.instant()).isEqualTo(Instant.parse("2026-11-25T12:00:02.250Z"));
  }
}
