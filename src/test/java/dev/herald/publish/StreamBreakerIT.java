package dev.herald.publish;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.domain.Channel;
import dev.herald.domain.Channels;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationValidator;
import dev.herald.domain.RouteState;
import dev.herald.intake.Intake;
import dev.herald.store.BreakerBoard;
import dev.herald.store.BreakerBoard.StreamBreaker;
import dev.herald.store.RouteRecord;
import dev.herald.store.redis.RedisBackend;
import dev.herald.testing.Harness;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.RedisTestSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;

/** The stream breaker against streams that refuse appends, and its reports in Redis. */
class StreamBreakerIT {

  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  @Test
  void an_open_breaker_is_reported_with_who_and_since_and_a_stale_report_is_dropped() {
    h.raw.hset(h.stream, "this key", "holds a hash, not a stream");
    h.submit(notification("u-1", "u-2").build());
    BreakerBoard board = h.backend.breakers();
    SinkBreaker breaker = new SinkBreaker(h.clock);
    PublishCycle cycle =
        new PublishCycle(
            new PublisherSetup(
                h.backend.routes(),
                new EventEncoder(h.channels),
                () -> Harness.settings(100, 5),
                () -> Duration.ofSeconds(1),
                h.clock,
                PublisherListener.NONE,
                board),
            breaker,
            new BreakerReports(breaker, board, "host-1-42-ab", h.clock),
            "host-1-42-ab-w0");
    Instant opened = h.clock.instant();
    // A process that died with a breaker open, 31 s ago: its report is stale.
    board.report(
        "host-2-7-cd",
        opened.minusSeconds(31),
        List.of(
            new StreamBreaker(
                "other", "host-2-7-cd", opened.minusSeconds(40), opened.minusSeconds(31), "OOM")));

    cycle.runOnce();

    List<StreamBreaker> open = board.read(h.clock.instant());
    assertThat(open)
        .as("the stale report is not shown")
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.stream()).isEqualTo(h.stream);
              assertThat(b.process()).isEqualTo("host-1-42-ab");
              assertThat(b.since()).isEqualTo(opened);
              assertThat(b.reportedAt()).isEqualTo(opened);
              assertThat(b.reason()).startsWith("WRONGTYPE");
            });
    assertThat(h.raw.hkeys(h.keys.breakers()))
        .as("dropped by the next report")
        .containsExactly("host-1-42-ab|" + h.stream);
    assertThat(h.raw.pttl(h.keys.breakers())).as("expires unless reported again").isPositive();

    h.clock.advance(Duration.ofSeconds(5));
    cycle.runOnce(); // still open: reported again
    assertThat(board.read(h.clock.instant()))
        .singleElement()
        .satisfies(b -> assertThat(b.reportedAt()).isEqualTo(h.clock.instant()));
    assertThat(board.read(h.clock.instant().plusSeconds(31))).as("if the process died").isEmpty();

    h.raw.del(h.stream);
    h.clock.advance(Duration.ofSeconds(1));
    cycle.runOnce(); // the probe gets through: closed
    assertThat(board.read(h.clock.instant())).isEmpty();
    assertThat(h.raw.hkeys(h.keys.breakers())).isEmpty();
  }

  @Test
  void a_stream_the_acl_forbids_costs_no_attempt_and_the_other_streams_go_on() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start();
        Harness admin = new Harness(redis.url(), RedisTestSupport.RETENTION, 1000)) {
      String forbidden = "outside:" + admin.namespace; // not under the namespace's pattern
      String email = admin.namespace + ":email";
      acl(admin, "~" + admin.namespace + ":*");
      Channels channels =
          new Channels(
              List.of(new Channel("push", forbidden, 1000), new Channel("email", email, 1000)));
      Intake intake =
          new Intake(
              admin.backend.notifications(),
              () -> new NotificationValidator(channels.names(), 65_536),
              new NotificationIds(),
              admin.clock,
              () -> Duration.ofHours(1));
      String id =
          intake
              .submit(
                  List.of(
                      notification("u-1", "u-2", "u-3")
                          .channels("push", "email")
                          .maxAttempts(1)
                          .build()))
              .get(0)
              .notificationId();
      List<String> events = new CopyOnWriteArrayList<>();
      try (RedisBackend restricted =
          RedisTestSupport.backend(
              "redis://herald:breaker-pw@127.0.0.1:" + redis.port(),
              admin.namespace,
              admin.clock,
              RedisTestSupport.RETENTION)) {
        PublishCycle cycle =
            new PublishCycle(
                restricted.routes(),
                new EventEncoder(channels),
                () -> Harness.settings(100, 1),
                admin.clock,
                breakerEvents(events),
                "w");

        cycle.runOnce();

        assertThat(admin.raw.xlen(email)).as("the allowed stream's routes").isEqualTo(3);
        assertThat(states(admin, id))
            .containsExactly(
                RouteState.PENDING,
                RouteState.PENDING,
                RouteState.PENDING,
                RouteState.PUBLISHED,
                RouteState.PUBLISHED,
                RouteState.PUBLISHED);
        assertThat(attempts(admin, id)).containsExactly(0, 0, 0, 1, 1, 1);
        assertThat(events).containsExactly("opened " + forbidden + ": NOPERM");

        acl(admin, "~" + admin.namespace + ":*", "~" + forbidden);
        admin.clock.advance(Duration.ofSeconds(1));
        cycle.runOnce();

        assertThat(admin.raw.xlen(forbidden)).isEqualTo(3);
        assertThat(states(admin, id)).containsOnly(RouteState.PUBLISHED);
        assertThat(attempts(admin, id)).containsOnly(1);
        assertThat(events)
            .containsExactly("opened " + forbidden + ": NOPERM", "closed " + forbidden);
      }
    }
  }

  /** (Re)defines the ACL user herald with these key patterns. */
  private static void acl(Harness admin, String... keyPatterns) {
    String[] args = new String[6 + keyPatterns.length];
    args[0] = "SETUSER";
    args[1] = "herald";
    args[2] = "reset";
    args[3] = "on";
    args[4] = ">breaker-pw";
    args[5] = "+@all";
    System.arraycopy(keyPatterns, 0, args, 6, keyPatterns.length);
    admin.raw.sendCommand(Protocol.Command.ACL, args);
  }

  private static List<RouteState> states(Harness h, String id) {
    return h.backend.notifications().find(id).orElseThrow().routes().stream()
        .map(RouteRecord::state)
        .toList();
  }

  private static List<Integer> attempts(Harness h, String id) {
    return h.backend.notifications().find(id).orElseThrow().routes().stream()
        .map(RouteRecord::attempts)
        .toList();
  }

  private static PublisherListener breakerEvents(List<String> events) {
    return new PublisherListener() {
      @Override
      public void onBreakerOpened(String stream, String reason) {
        events.add("opened " + stream + ": " + reason.split(" ")[0]);
      }

      @Override
      public void onBreakerClosed(String stream, Duration openFor) {
        events.add("closed " + stream);
      }
    };
  }
}
