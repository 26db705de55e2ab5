package dev.herald.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.domain.NotificationRequest;
import dev.herald.intake.SubmitResult;
import dev.herald.store.NotificationRecord;
import dev.herald.store.RouteRecord;
import dev.herald.testing.Harness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the fault scenarios share: their size (short in the default build, full with {@code
 * -Pchaos}), the workload, the exactly-once check of the stream, and the figures they report.
 */
final class Chaos {

  /** {@code mvn verify -Pchaos} sets {@code herald.chaos=full}. */
  static final boolean FULL = "full".equals(System.getProperty("herald.chaos"));

  private Chaos() {}

  static int routes(int shortRun, int fullRun) {
    return FULL ? fullRun : shortRun;
  }

  static Duration duration(Duration shortRun, Duration fullRun) {
    return FULL ? fullRun : shortRun;
  }

  /** Submits notifications of 10 recipients, due evenly over {@code spread}; returns their ids. */
  static List<String> submit(Harness h, int routes, Duration spread) {
    int notifications = routes / 10;
    Instant start = Instant.now().plusMillis(500);
    List<NotificationRequest> batch = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < notifications; i++) {
      String[] recipients = new String[10];
      for (int r = 0; r < 10; r++) {
        recipients[r] = "u-" + i + "-" + r;
      }
      long offset = spread.toMillis() * i / Math.max(1, notifications);
      batch.add(Harness.notification(recipients).sendAt(start.plusMillis(offset)).build());
      if (batch.size() == 500 || i == notifications - 1) {
        for (SubmitResult r : h.intake().submit(batch)) {
          assertThat(r.outcome()).isEqualTo(SubmitResult.Outcome.ACCEPTED);
          ids.add(r.notificationId());
        }
        batch.clear();
      }
    }
    return ids;
  }

  /** Stream entries in all, and distinct routes among them. */
  record Ledger(long entries, long distinct) {
    long duplicated() {
      return entries - distinct;
    }
  }

  static Ledger ledger(Harness h) {
    List<Map<String, String>> entries = h.streamFields();
    Set<String> routes = new HashSet<>();
    for (Map<String, String> e : entries) {
      routes.add(e.get("event_id"));
    }
    return new Ledger(entries.size(), routes.size());
  }

  /**
   * After a Redis restart the test's own pooled connections are broken; each fails once and is
   * dropped. Use them up before asserting.
   */
  static void dropBrokenConnections(Harness h) {
    for (int i = 0; i < 20; i++) {
      try {
        h.backend.ping();
        h.raw.ping();
      } catch (RuntimeException broken) {
        // the pool drops it
      }
    }
  }

  /** Waits until nothing is scheduled and the stream holds at least {@code routes} entries. */
  static void awaitDrained(Harness h, int routes, Duration atMost) {
    await()
        .atMost(atMost)
        .ignoreExceptions()
        .until(() -> h.raw.zcard(h.keys.schedule()) == 0 && h.raw.xlen(h.stream) >= routes);
  }

  /** The stream holds each of the {@code routes} routes, and each once. */
  static void assertEachOnce(Ledger ledger, int routes) {
    assertThat(ledger.distinct()).as("distinct routes in the stream").isEqualTo(routes);
    assertThat(ledger.entries()).as("entries, duplicates included").isEqualTo(routes);
  }

  /** Every route of every notification published, on its first attempt (none charged twice). */
  static void assertPublishedOnce(Harness h, List<String> ids, boolean firstAttempt) {
    dropBrokenConnections(h);
    for (String id : ids) {
      NotificationRecord record = h.backend.notifications().find(id).orElseThrow();
      for (RouteRecord r : record.routes()) {
        assertThat(r.state()).as("%s/%s", id, r.routeId()).hasToString("PUBLISHED");
        if (firstAttempt) {
          assertThat(r.attempts()).as("attempts of %s/%s", id, r.routeId()).isEqualTo(1);
        }
      }
    }
  }

  /** Prints a figure line and keeps it in target/chaos-figures.txt for the README table. */
  static void report(String scenario, String figures) {
    String line =
        "[herald chaos] " + (FULL ? "full" : "short") + " | " + scenario + " | " + figures;
    System.err.println(line);
    try {
      Files.writeString(
          Path.of("target", "chaos-figures.txt"),
          line + System.lineSeparator(),
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
