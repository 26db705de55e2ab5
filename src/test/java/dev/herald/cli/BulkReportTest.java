package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.deadletter.BulkRun;
import dev.herald.deadletter.DeadLetterSource;
import dev.herald.deadletter.Pacer;
import dev.herald.domain.Failure;
import dev.herald.domain.FailureKind;
import dev.herald.store.DeadLetter;
import dev.herald.store.DeadLetterStore.Change;
import dev.herald.store.DeadLetterStore.Route;
import dev.herald.testing.MutableClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BulkReportTest {

  private final MutableClock clock = MutableClock.atNoon();

  private static DeadLetterSource deadLetters(int n) {
    return new DeadLetterSource() {
      long scanned;

      @Override
      public void forEach(Predicate<DeadLetter> visitor) {
        for (int i = 0; i < n; i++) {
          scanned++;
          Instant at = Instant.parse("2026-11-25T11:00:00Z");
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

  /** The rates the progress lines show, in order. */
  private List<Double> ratesShown(double rate, int routes) {
    StringWriter err = new StringWriter();
    BulkReport report = new BulkReport(new PrintWriter(err), "requeue", "requeued", true, clock);
    Pacer pacer = new Pacer(rate, clock, clock::advance); // a pause moves the clock, no sleep
    BulkRun.Action requeue =
        (slice, now) ->
            slice.stream()
                .map(
                    d ->
                        new Change(
                            new Route(d.notificationId(), d.index()), Change.Outcome.CHANGED, ""))
                .toList();
    new BulkRun(clock)
        .run(
            deadLetters(routes),
            requeue,
            new BulkRun.Options(0, pacer, () -> false, report, d -> {}));
    Matcher m = Pattern.compile("\\| ([\\d,]+)/s").matcher(err.toString());
    List<Double> rates = new java.util.ArrayList<>();
    while (m.find()) {
      rates.add(Double.parseDouble(m.group(1).replace(",", "")));
    }
    return rates;
  }

  @Test
  void a_paced_requeue_shows_its_pace_from_the_first_rate_it_shows() {
    List<Double> rates = ratesShown(50, 500);
    assertThat(rates).isNotEmpty();
    assertThat(rates).allSatisfy(r -> assertThat(r).isBetween(45.0, 55.0));
  }

  @Test
  void a_run_that_does_not_know_its_total_shows_how_far_it_is_and_no_total() {
    // An import reads its file as it goes: it knows the line it reached, not how many there are.
    StringWriter err = new StringWriter();
    BulkReport report = new BulkReport(new PrintWriter(err), "import", "imported", false, clock);
    report.update(
        new BulkRun.Summary(250, 250, 0, 0, false, List.of()), 250, 0, java.time.Duration.ZERO);
    assertThat(err.toString())
        .isEqualTo("import: 250 imported, 0 skipped, 0 errors | scanned 250\n");
  }

  @Test
  void no_rate_is_shown_before_a_second_of_samples() {
    assertThat(ratesShown(1000, 200)).isEmpty(); // done in 0.2s: too soon to tell
  }
}
