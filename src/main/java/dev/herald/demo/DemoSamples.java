package dev.herald.demo;

import dev.herald.config.Durations;
import dev.herald.config.HeraldConfig;
import dev.herald.daemon.Stores;
import dev.herald.domain.NotificationRequest;
import dev.herald.intake.IntakeListener;
import dev.herald.intake.SubmitResult;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The notifications {@code herald demo} submits, each showing one outcome. */
final class DemoSamples {

  private DemoSamples() {}

  /**
   * Submits the samples as a producer would, through an intake built as the daemon builds it;
   * returns the routes scheduled.
   *
   * @param listener the running daemon's intake metrics
   */
  static int submit(PrintWriter out, HeraldConfig config, IntakeListener listener, Duration total) {
    List<SubmitResult> results;
    List<NotificationRequest> samples;
    try (Stores stores = Stores.open(config)) {
      Instant later = stores.clock().instant().plus(total.dividedBy(4));
      samples = samples(later);
      results =
          stores.assembly().intake(stores.backend().notifications(), listener).submit(samples);
    }
    print(out, samples, results, total);
    return routes(samples, results);
  }

  private static List<NotificationRequest> samples(Instant later) {
    return List.of(
        sample("game.turn_ready", "game-engine", "push", "u-1", "u-2", "u-3")
            .idempotencyKey("turn-42")
            .build(),
        sample("game.turn_ready", "game-engine", "push", "u-4", "u-5", "u-6").build(),
        sample("chat.message", "chat", "push", "u-7").channels("push", "email").build(),
        sample("billing.receipt", "billing", "sms", "u-9").maxAttempts(3).build(),
        sample("game.reminder", "game-engine", "push", "u-1").sendAt(later).build(),
        sample("game.turn_ready", "game-engine", "push", "u-1", "u-2", "u-3")
            .idempotencyKey("turn-42")
            .build());
  }

  private static int routes(List<NotificationRequest> samples, List<SubmitResult> results) {
    int routes = 0;
    for (int i = 0; i < samples.size(); i++) {
      if (results.get(i).outcome() == SubmitResult.Outcome.ACCEPTED) {
        routes += samples.get(i).recipients().size() * samples.get(i).channels().size();
      }
    }
    return routes;
  }

  private static void print(
      PrintWriter out,
      List<NotificationRequest> samples,
      List<SubmitResult> results,
      Duration total) {
    List<String> notes =
        List.of(
            "",
            "",
            "email waits, uncharged, until its stream takes appends",
            "max_attempts 3: its stream fails every append, a dead letter",
            "send_at +" + Durations.format(total.dividedBy(4)),
            "same idempotency key as the first: nothing scheduled");
    out.println("Submitted:");
    for (int i = 0; i < samples.size(); i++) {
      NotificationRequest n = samples.get(i);
      SubmitResult r = results.get(i);
      String line =
          String.format(
              "  %-9s %s  %-16s %-11s %-12s %s",
              r.outcome().name().toLowerCase(Locale.ROOT),
              r.notificationId(),
              n.type(),
              String.join(",", n.channels()),
              String.join(",", n.recipients()),
              notes.get(i));
      out.println(line.stripTrailing());
    }
    out.println();
    out.printf(
        "%7s  %9s  %9s  %8s  %4s  %7s%n",
        "time", "submitted", "published", "retrying", "dead", "waiting");
    out.flush();
  }

  private static NotificationRequest.Builder sample(
      String type, String producer, String channel, String... recipients) {
    return NotificationRequest.builder()
        .type(type)
        .producer(producer)
        .recipients(recipients)
        .channels(channel)
        .payloadJson("{\"demo\":true}");
  }
}
