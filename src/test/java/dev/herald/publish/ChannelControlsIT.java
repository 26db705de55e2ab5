package dev.herald.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.domain.Channel;
import dev.herald.domain.Channels;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationRequest;
import dev.herald.domain.NotificationValidator;
import dev.herald.domain.RouteState;
import dev.herald.intake.Intake;
import dev.herald.intake.SubmitResult;
import dev.herald.store.ChannelControls;
import dev.herald.store.RouteRecord;
import dev.herald.testing.Harness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Pauses and rate limits of channels, as every claim obeys them (claim.lua). */
class ChannelControlsIT {

  private final Harness h = new Harness();
  private final String email = h.namespace + ":email";
  private final Channels channels =
      new Channels(
          List.of(
              new Channel("push", h.stream, 1_000_000), new Channel("email", email, 1_000_000)));
  private final ChannelControls controls = h.backend.channelControls();

  @AfterEach
  void close() {
    h.close();
  }

  private String submit(int recipients, String... channelNames) {
    Intake intake =
        new Intake(
            h.backend.notifications(),
            () -> new NotificationValidator(channels.names(), 65_536),
            new NotificationIds(),
            h.time,
            () -> Duration.ofHours(1));
    NotificationRequest request =
        Harness.notification(Harness.recipients("u-", recipients)).channels(channelNames).build();
    SubmitResult r = intake.submit(List.of(request)).get(0);
    assertThat(r.outcome()).isEqualTo(SubmitResult.Outcome.ACCEPTED);
    return r.notificationId();
  }

  private int drain() {
    return h.drain(
        new PublishCycle(
            h.backend.routes(),
            new EventEncoder(channels),
            () -> Harness.settings(500, 5),
            h.time,
            PublisherListener.NONE,
            "w"));
  }

  private List<RouteRecord> routes(String id) {
    return h.backend.notifications().find(id).orElseThrow().routes();
  }

  @Test
  void a_paused_channel_is_neither_claimed_nor_charged_while_the_others_flow_and_resumes() {
    assertThat(controls.pause("email", h.clock.instant(), "test")).isTrue();
    assertThat(controls.pause("email", h.clock.instant(), "test")).isFalse();
    String id = submit(3, "push", "email");

    assertThat(drain()).isEqualTo(3);
    h.clock.advance(Duration.ofSeconds(5));
    assertThat(drain()).isZero();

    assertThat(h.raw.xlen(h.stream)).isEqualTo(3);
    assertThat(h.raw.exists(email)).isFalse();
    List<RouteRecord> routes = routes(id);
    assertThat(routes.subList(3, 6))
        .allSatisfy(
            r -> {
              assertThat(r.state()).isEqualTo(RouteState.PENDING);
              assertThat(r.attempts()).isZero();
            });
    assertThat(controls.read().get("email").paused()).isTrue();
    assertThat(controls.read().get("email").pausedBy()).isEqualTo("test");

    assertThat(controls.resume("email")).isTrue();
    h.clock.advance(Duration.ofSeconds(1)); // a paused group looks again a second later
    assertThat(drain()).isEqualTo(3);
    assertThat(h.raw.xlen(email)).isEqualTo(3);
    assertThat(controls.read()).isEmpty();
  }

  @Test
  void a_rate_limit_lets_out_one_seconds_worth_and_then_the_rate() {
    controls.limit("push", 10);
    submit(50, "push");

    assertThat(drain()).isEqualTo(10); // the bucket starts full: one second's worth
    h.clock.advance(Duration.ofMillis(500));
    assertThat(drain()).isEqualTo(5);
    h.clock.advance(Duration.ofSeconds(10)); // the bucket holds no more than a second's worth
    assertThat(drain()).isEqualTo(10);
    assertThat(h.raw.xlen(h.stream)).isEqualTo(25);
  }

  @Test
  void an_operators_limit_wins_over_the_configs_until_cleared() {
    h.backend.useRateLimits(Map.of("push", 4L));
    submit(50, "push");
    assertThat(drain()).isEqualTo(4);

    controls.limit("push", 20);
    h.clock.advance(Duration.ofSeconds(2));
    assertThat(drain()).isEqualTo(20);

    assertThat(controls.clearLimit("push")).isTrue();
    h.clock.advance(Duration.ofSeconds(2));
    assertThat(drain()).isEqualTo(4);
  }

  @Test
  void a_channel_without_controls_is_not_held_back_by_anothers() {
    controls.pause("email", h.clock.instant(), "test");
    controls.limit("email", 1);
    submit(200, "push");
    assertThat(drain()).isEqualTo(200);
  }
}
