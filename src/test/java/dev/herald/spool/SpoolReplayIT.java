package dev.herald.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.domain.Notification;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationValidator;
import dev.herald.domain.RouteState;
import dev.herald.intake.Intake;
import dev.herald.store.RouteRecord;
import dev.herald.testing.Harness;
import dev.herald.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replayer on a real Redis: records that can never go in are set aside (counted, kept in {@code
 * rejected-segment-*}) and the rest replayed in order; a spooled cancel applies after the
 * notification it names; a spooled notification can be looked up until it is replayed.
 */
class SpoolReplayIT {

  @TempDir Path dir;
  private Harness h;
  private Spool spool;
  private Intake intake;
  private SpoolReplayer replayer;
  private final NotificationIds ids = new NotificationIds();
  private final Map<String, AtomicInteger> setAside = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws Exception {
    h = Harness.realTime(TestRedis.url());
    SpoolListener counting =
        new SpoolListener() {
          @Override
          public void onSetAside(int records, String reason) {
            setAside.computeIfAbsent(reason, r -> new AtomicInteger()).addAndGet(records);
          }
        };
    spool =
        Spool.open(
            new SpoolOptions(
                dir.resolve("spool"),
                1L << 30,
                SpoolOptions.Fsync.BATCH,
                Duration.ofSeconds(1),
                1L << 20,
                Duration.ofMillis(50),
                10_000,
                100),
            Clock.systemUTC(),
            counting);
    // The rules of now know only push: a notification spooled for sms no longer validates.
    intake =
        new Intake(
            h.backend.notifications(),
            () -> new NotificationValidator(Set.of("push"), 65_536),
            ids,
            Clock.systemUTC(),
            () -> Duration.ofHours(1));
    replayer = new SpoolReplayer(spool, intake, counting);
  }

  @AfterEach
  void stop() {
    replayer.stop(Duration.ofSeconds(2));
    spool.close();
    h.close();
  }

  private Notification notification(String channel, int seq) {
    Instant now = Instant.ofEpochMilli(System.currentTimeMillis()); // as the spool keeps times
    return Harness.notification("u-1", "u-2")
        .channels(channel)
        .payloadJson("{\"seq\":" + seq + "}")
        .build()
        .toNotification(ids.next(now), now);
  }

  @Test
  void a_record_the_store_refuses_or_the_rules_no_longer_allow_is_set_aside_and_the_rest_replayed()
      throws Exception {
    // They used to hold up the replay for good: the whole batch was refused, tried again forever.
    Notification first = notification("push", 1);
    Notification noLongerValid = notification("sms", 2);
    Notification idInUse = notification("push", 3);
    Notification last = notification("push", 4);
    h.raw.set(h.keys.notification(idInUse.id()), "another record under the same id");
    spool.append(List.of(first, noLongerValid, idInUse, last));

    replayer.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> spool.figures().records() == 0);

    assertThat(h.backend.notifications().find(first.id())).isPresent();
    assertThat(h.backend.notifications().find(last.id())).isPresent();
    assertThat(h.backend.notifications().find(noLongerValid.id())).isEmpty();
    assertThat(h.raw.get(h.keys.notification(idInUse.id())))
        .isEqualTo("another record under the same id");
    assertThat(setAside).containsOnlyKeys("invalid", "refused");
    assertThat(setAside.get("invalid").get()).isEqualTo(1);
    assertThat(setAside.get("refused").get()).isEqualTo(1);
    Path rejected;
    try (var files = Files.list(dir.resolve("spool"))) {
      rejected =
          files.filter(f -> f.getFileName().toString().startsWith("rejected-")).findFirst().get();
    }
    SegmentScan scan = SegmentScan.read(rejected);
    assertThat(scan.isCorrupt()).isFalse();
    assertThat(scan.records())
        .extracting(SpoolRecord::notificationId)
        .containsExactly(noLongerValid.id(), idInUse.id());
    String text = Files.readString(rejected);
    assertThat(text).contains("channels[0]").contains("is already in use");
  }

  @Test
  void a_spooled_cancel_cancels_its_notification_once_the_replay_has_stored_it() throws Exception {
    Notification n = notification("push", 1);
    spool.append(List.of(n));
    assertThat(spool.find(n.id())).hasValueSatisfying(s -> assertThat(s.cancelSpooled()).isFalse());
    spool.appendCancel(n.id(), n.producer(), Instant.now());
    assertThat(spool.find(n.id()))
        .hasValueSatisfying(
            s -> {
              assertThat(s.notification()).isEqualTo(n);
              assertThat(s.cancelSpooled()).isTrue();
            });
    assertThat(spool.find(ids.next(Instant.now()))).isEmpty();

    replayer.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> spool.figures().records() == 0);

    assertThat(spool.find(n.id())).isEmpty();
    assertThat(h.backend.notifications().find(n.id()).orElseThrow().routes())
        .extracting(RouteRecord::state)
        .containsOnly(RouteState.CANCELLED);
  }
}
