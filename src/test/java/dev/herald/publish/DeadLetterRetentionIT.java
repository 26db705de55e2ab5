package dev.herald.publish;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.herald.domain.RouteState;
import dev.herald.testing.DeadLetterPlanting;
import dev.herald.testing.Harness;
import dev.herald.testing.HeraldProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class DeadLetterRetentionIT {

  @TempDir Path dir;
  private final Harness h = new Harness();
  private final List<String> ids = new ArrayList<>();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger janitorLog = (Logger) LoggerFactory.getLogger(Janitor.class);

  @BeforeEach
  void plantTenOneMinuteApart() {
    DeadLetterPlanting plant = new DeadLetterPlanting(h);
    for (int i = 0; i < 10; i++) {
      ids.addAll(plant.streamDown(notification("u-" + i)));
      h.clock.advance(Duration.ofMinutes(1));
    }
    log.start();
    janitorLog.addAppender(log);
  }

  @AfterEach
  void close() {
    janitorLog.detachAppender(log);
    h.close();
  }

  private Janitor janitor(AtomicReference<DeadLetterRetention> caps) {
    return new Janitor(
        h.backend.routes(),
        h.backend.deadLetters(),
        caps::get,
        h.clock,
        new PublisherListener() {
          @Override
          public void onDeadLettersPurged(int count, String reason) {
            events.add(count + " " + reason);
          }
        });
  }

  private RouteState state(int i) {
    return h.backend.notifications().find(ids.get(i)).orElseThrow().routes().get(0).state();
  }

  @Test
  void without_caps_every_dead_letter_is_kept() {
    AtomicReference<DeadLetterRetention> caps = new AtomicReference<>(DeadLetterRetention.KEEP_ALL);
    janitor(caps).runIfDue();
    h.clock.advance(Duration.ofDays(400));
    janitor(caps).runIfDue();
    assertThat(h.raw.zcard(h.keys.deadLetters())).isEqualTo(10);
    assertThat(events).isEmpty();
    assertThat(log.list).isEmpty();
  }

  @Test
  void caps_purge_the_oldest_with_a_warning_a_counter_and_an_event() {
    AtomicReference<DeadLetterRetention> caps =
        new AtomicReference<>(new DeadLetterRetention(Optional.of(6L), Optional.empty()));
    Janitor janitor = janitor(caps);
    assertThat(janitor.runIfDue()).isEqualTo(4);
    assertThat(h.raw.zcard(h.keys.deadLetters())).isEqualTo(6);
    assertThat(List.of(state(0), state(3), state(4)))
        .containsExactly(RouteState.PURGED, RouteState.PURGED, RouteState.DEAD_LETTER);
    assertThat(events).containsExactly("4 max-count");
    assertThat(log.list).hasSize(1);
    ILoggingEvent warning = log.list.get(0);
    assertThat(warning.getLevel()).isEqualTo(Level.WARN);
    assertThat(warning.getFormattedMessage())
        .isEqualTo(
            "purged 4 dead letter(s), oldest first: 4 beyond dead-letters.max-count 6; they can"
                + " no longer be requeued (raise the caps to keep more)");

    // Dead for more than 3 minutes at +10m05s, i.e. before +7m05s: entries 4 to 7 go as well.
    caps.set(new DeadLetterRetention(Optional.of(6L), Optional.of(Duration.ofMinutes(3))));
    h.clock.advance(Duration.ofSeconds(5));
    assertThat(janitor.runIfDue()).isEqualTo(4);
    assertThat(events).containsExactly("4 max-count", "4 max-age");
    assertThat(state(7)).isEqualTo(RouteState.PURGED);
    assertThat(state(8)).isEqualTo(RouteState.DEAD_LETTER);
    var counters = h.backend.stats().snapshot(h.clock.instant(), List.of()).counters();
    assertThat(counters)
        .containsEntry("purged_by_retention", 8L)
        .containsEntry("purged", 8L)
        .containsEntry("dead_lettered", 10L);
    assertThat(h.backend.stats().routeFigures().of("game.turn_ready", "purged")).isEqualTo(8);
  }

  @Test
  void herald_run_applies_the_caps_from_its_config() throws Exception {
    Path config =
        h.writeConfig(
            dir,
            "publisher:",
            "  workers: 1",
            "  poll-interval: 100ms",
            "dead-letters:",
            "  max-count: 2");
    try (HeraldProcess run =
        HeraldProcess.start(dir.resolve("run.log"), "run", "--config", config.toString())) {
      await().atMost(Duration.ofSeconds(30)).until(() -> h.raw.zcard(h.keys.deadLetters()) == 2);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> run.logged("beyond dead-letters.max-count 2"));
      assertThat(run.log()).contains("WARN").contains("purged 8 dead letter(s), oldest first");
      assertThat(run.terminate(20)).isZero();
    }
    assertThat(state(7)).isEqualTo(RouteState.PURGED);
    assertThat(state(8)).isEqualTo(RouteState.DEAD_LETTER);
  }
}
