package dev.herald.cli;

import dev.herald.config.Durations;
import dev.herald.config.HeraldConfig;
import dev.herald.domain.Channels;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationRequest;
import dev.herald.domain.NotificationValidator;
import dev.herald.intake.Intake;
import dev.herald.intake.IntakeListener;
import dev.herald.intake.SubmitResult;
import dev.herald.store.redis.RedisBackend;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The notifications {@code herald demo} submits, each showing one outcome. */
final class DemoSamples {

  private DemoSamples() {}

  /** Submits the samples as a producer would; returns the routes scheduled. */
  static int submit(
      PrintWriter out,
      HeraldConfig config,
      Channels channels,
      IntakeListener listener,
      Duration total,
      Clock clock) {
    Instant later = clock.instant().plus(total.dividedBy(4));
    List<NotificationRequest> samples =
        List.of(
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
    List<String> notes =
        List.of(
            "",
            "",
            "email waits, uncharged, until its stream takes appends",
            "max_attempts 3: its stream fails every append, a dead letter",
            "send_at +" + Durations.format(total.dividedBy(4)),
            "same idempotency key as the first: nothing scheduled");
    List<SubmitResult> results;
    try (RedisBackend backend = Backends.connect(config, RedisTarget.of(config), 2, clock)) {
      Intake intake =
          new Intake(
              backend.notifications(),
              () -> new NotificationValidator(channels.names(), 65_536),
              new NotificationIds(),
              clock,
              () -> Duration.ofHours(1),
              listener);
      results = intake.submit(samples);
    }
    int routes = 0;
    out.println("Submitted:");
    for (int i = 0; i < samples.size(); i++) {
      NotificationRequest n = samples.get(i);
      SubmitResult r = results.get(i);
      if (r.outcome() == SubmitResult.Outcome.ACCEPTED) {
        routes += n.recipients().size() * n.channels().size();
      }
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
    return routes;
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
