package dev.herald.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Only paths that return without waiting: no threads, no sleeps. */
@Timeout(5)
class WaiterTest {

  private final MutableClock clock = MutableClock.atNoon();
  private final Waiter waiter = new Waiter(clock);

  @Test
  void a_deadline_already_passed_returns_at_once() throws Exception {
    waiter.await(clock.instant().minusMillis(1));
    waiter.await(clock.instant());
  }

  @Test
  void work_signalled_as_due_now_ends_the_next_wait_at_once() throws Exception {
    waiter.signal(clock.instant());
    waiter.await(clock.instant().plus(Duration.ofHours(1)));
  }

  @Test
  void a_signal_for_later_than_the_deadline_does_not_extend_it() throws Exception {
    Instant deadline = clock.instant();
    waiter.signal(deadline.plusSeconds(60));
    waiter.await(deadline);
    assertThat(clock.instant()).isEqualTo(deadline);
  }
}
