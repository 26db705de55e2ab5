package dev.herald.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.herald.store.StoreUnavailableException;
import dev.herald.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The aligned clock against a fake world: true time moves only when the test says so; "Redis"
 * answers the true time, the host's clock is off by what the test sets, and each round trip takes
 * what the test queues.
 */
class AlignedClockTest {

  private static final Instant NOON = Instant.parse("2026-11-25T12:00:00Z");

  /** True time since noon, in nanoseconds; the ticker reads it plus an arbitrary origin. */
  private long world;

  private static final long TICKER_ORIGIN = 987_654_321_000L;
  private Duration hostOff = Duration.ZERO;
  private Duration redisOff = Duration.ZERO;
  private final Deque<Duration> roundTrips = new ArrayDeque<>();
  private boolean redisDown;

  private final MutableClock host = new MutableClock(NOON);
  private final AlignedClock clock = new AlignedClock(host, () -> TICKER_ORIGIN + world);
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger clockLog = (Logger) LoggerFactory.getLogger(AlignedClock.class);

  @BeforeEach
  void captureLog() {
    log.start();
    clockLog.addAppender(log);
  }

  @AfterEach
  void releaseLog() {
    clockLog.detachAppender(log);
  }

  private Instant trueNow() {
    return NOON.plusNanos(world);
  }

  private void pass(Duration d) {
    world += d.toNanos();
    host.set(trueNow().plus(hostOff));
  }

  /** Redis's TIME: half the round trip there, the answer, half back. */
  private final TimeSource redis =
      () -> {
        if (redisDown) {
          throw new StoreUnavailableException("reading TIME: Redis unavailable", null);
        }
        Duration trip = roundTrips.isEmpty() ? Duration.ofMillis(2) : roundTrips.poll();
        pass(trip.dividedBy(2));
        Instant answer = trueNow().plus(redisOff);
        pass(trip.dividedBy(2));
        return answer;
      };

  private List<String> warnings() {
    return log.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Test
  void takes_redis_time_at_the_midpoint_of_the_shortest_round_trip() {
    hostOff = Duration.ofHours(1);
    pass(Duration.ZERO);
    roundTrips.addAll(List.of(Duration.ofMillis(40), Duration.ofMillis(4), Duration.ofMillis(30)));
    clock.align(redis);

    assertThat(clock.instant()).isEqualTo(trueNow());
    assertThat(clock.offset()).contains(Duration.ofHours(1));
    assertThat(AlignedClock.formatOffset(clock.offset().orElseThrow())).isEqualTo("+3600.000s");
    assertThat(AlignedClock.formatOffset(Duration.ofNanos(-16_400))).isEqualTo("-0.016ms");
    assertThat(clock.alignment().orElseThrow().roundTrip()).isEqualTo(Duration.ofMillis(4));
    pass(Duration.ofMillis(1500));
    assertThat(clock.instant()).isEqualTo(trueNow());
    assertThat(clock.millis()).isEqualTo(trueNow().toEpochMilli());
  }

  @Test
  void moves_with_the_ticker_whatever_the_host_clock_does_between_refreshes() {
    clock.align(redis);
    hostOff = Duration.ofDays(-1); // the host's clock is set back a day (a bad NTP step)
    pass(Duration.ofSeconds(5));
    assertThat(host.instant()).isEqualTo(trueNow().minus(Duration.ofDays(1)));
    assertThat(clock.instant()).isEqualTo(trueNow());

    assertThat(clock.refresh()).isTrue();
    assertThat(clock.instant()).isEqualTo(trueNow());
    assertThat(clock.offset()).contains(Duration.ofDays(-1));
  }

  @Test
  void a_refresh_follows_redis_forward_and_holds_still_rather_than_go_back() {
    clock.align(redis);
    pass(Duration.ofSeconds(1));
    Instant before = clock.instant();

    redisOff = Duration.ofSeconds(-10); // Redis fails over to a host whose clock is 10 s behind
    assertThat(clock.refresh()).isTrue();
    Instant held = clock.instant();
    assertThat(held).isAfterOrEqualTo(before);
    pass(Duration.ofSeconds(9));
    assertThat(clock.instant()).isEqualTo(held); // still catching up: never backwards
    pass(Duration.ofSeconds(2));
    assertThat(clock.instant()).isEqualTo(trueNow().minusSeconds(10)).isAfter(held);
    assertThat(warnings()).anySatisfy(w -> assertThat(w).contains("Redis's clock moved by -10."));

    redisOff = Duration.ofSeconds(20);
    assertThat(clock.refresh()).isTrue();
    assertThat(clock.instant()).isEqualTo(trueNow().plusSeconds(20));
  }

  @Test
  void a_failed_refresh_keeps_the_last_measurement() {
    clock.align(redis);
    redisDown = true;
    pass(Duration.ofSeconds(30));
    assertThat(clock.refresh()).isFalse();
    assertThat(clock.instant()).isEqualTo(trueNow());
  }

  @Test
  void a_host_clock_more_than_a_second_off_is_warned_about_once_then_every_ten_minutes() {
    hostOff = Duration.ofMillis(1500);
    pass(Duration.ZERO);
    clock.align(redis);
    assertThat(clock.skewWarning())
        .hasValueSatisfying(
            w ->
                assertThat(w)
                    .startsWith("this host's clock is 1.500s ahead of Redis's")
                    .contains("fix the host's clock"));
    assertThat(warnings()).hasSize(1);

    pass(Duration.ofSeconds(30));
    clock.refresh();
    assertThat(warnings()).hasSize(1);
    pass(Duration.ofMinutes(10));
    clock.refresh();
    assertThat(warnings()).hasSize(2);

    hostOff = Duration.ofMillis(-900); // within the limit again
    pass(Duration.ZERO);
    clock.refresh();
    assertThat(clock.skewWarning()).isEmpty();
    assertThat(log.list)
        .anySatisfy(
            e -> assertThat(e.getFormattedMessage()).contains("within 1s of Redis's again"));

    hostOff = Duration.ofHours(-2);
    pass(Duration.ZERO);
    clock.refresh();
    assertThat(clock.skewWarning())
        .hasValueSatisfying(w -> assertThat(w).startsWith("this host's clock is 7200.000s behind"));
    assertThat(warnings()).hasSize(3);
  }

  @Test
  void is_not_used_before_it_is_aligned() {
    assertThat(clock.isAligned()).isFalse();
    assertThatThrownBy(clock::instant).isInstanceOf(IllegalStateException.class);
    redisDown = true;
    assertThatThrownBy(() -> clock.align(redis)).isInstanceOf(StoreUnavailableException.class);
    assertThat(clock.isAligned()).isFalse();
    redisDown = false;
    clock.align(redis);
    assertThat(clock.isAligned()).isTrue();
  }
}
