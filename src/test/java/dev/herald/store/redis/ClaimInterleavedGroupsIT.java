package dev.herald.store.redis;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.store.ClaimedBatch;
import dev.herald.store.ClaimedNotification;
import dev.herald.testing.Harness;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A notification of more than 64 routes has several schedule groups, which fall due at different
 * times once their routes are retried: a claim may then meet another notification's group between
 * two groups of the same notification.
 */
class ClaimInterleavedGroupsIT {

  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  @Test
  void a_claim_that_meets_another_notification_between_two_groups_of_one_reads_back_every_route() {
    List<String> ids =
        h.submit(
            notification(Harness.recipients("a-", 100)).build(),
            notification(Harness.recipients("b-", 10)).build());
    String a = ids.get(0);
    String b = ids.get(1);
    long t = h.clock.instant().toEpochMilli();
    h.raw.zadd(h.keys.schedule(), t - 3, a + ":0-63");
    h.raw.zadd(h.keys.schedule(), t - 2, b + ":0-9");
    h.raw.zadd(h.keys.schedule(), t - 1, a + ":64-99");

    ClaimedBatch batch =
        h.backend.routes().claimDue(h.clock.instant(), Duration.ofSeconds(30), "w.1", 500);

    assertThat(batch.routeCount()).isEqualTo(110);
    assertThat(batch.notifications())
        .allSatisfy(n -> assertThat(n.notification()).isNotNull())
        .extracting(ClaimedNotification::notificationId)
        .containsOnly(a, b);
    assertThat(h.drain(h.cycle("w", Harness.settings(500, 5)))).isZero(); // all leased by w.1
  }
}
