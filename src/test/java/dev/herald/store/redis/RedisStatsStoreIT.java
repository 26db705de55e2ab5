package dev.herald.store.redis;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.store.StoreSnapshot;
import dev.herald.testing.Harness;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RedisStatsStoreIT {

  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  @Test
  void the_snapshot_counts_schedule_due_work_dead_letters_streams_and_counters() {
    h.submit(notification("u-1", "u-2").build());
    h.submit(notification("u-3").sendAt(h.clock.instant().plusSeconds(60)).build());
    h.raw.set(h.namespace + ":not-a-stream", "x");

    h.clock.advance(Duration.ofSeconds(5));
    StoreSnapshot before =
        h.backend
            .stats()
            .snapshot(h.clock.instant(), List.of(h.stream, h.namespace + ":not-a-stream"));
    assertThat(before.scheduledGroups()).isEqualTo(2);
    assertThat(before.dueGroups()).isEqualTo(1);
    assertThat(before.oldestDue()).contains(h.clock.instant().minusSeconds(5));
    assertThat(before.streamLengths())
        .containsEntry(h.stream, 0L)
        .containsEntry(h.namespace + ":not-a-stream", -1L);
    assertThat(before.counter("routes_accepted")).isEqualTo(3);

    h.drain(h.cycle("w", Harness.settings(100, 5)));
    StoreSnapshot after = h.backend.stats().snapshot(h.clock.instant(), List.of(h.stream));
    assertThat(after.scheduledGroups()).isEqualTo(1);
    assertThat(after.dueGroups()).isZero();
    assertThat(after.streamLengths()).containsEntry(h.stream, 2L);
    assertThat(after.counter("published")).isEqualTo(2);
    assertThat(after.deadLetters()).isZero();
  }
}
