package dev.herald.store.redis;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.domain.NotificationRequest;
import dev.herald.publish.PublishCycle;
import dev.herald.testing.Harness;
import dev.herald.testing.RedisTestSupport;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.params.ScanParams;

/** Memory stays bounded: what was published is deleted once its retention passes. */
class RetentionIT {

  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  private Set<String> keys() {
    Set<String> keys = new HashSet<>();
    String cursor = "0";
    do {
      var page = h.raw.scan(cursor, new ScanParams().match(h.namespace + ":*").count(1000));
      keys.addAll(page.getResult());
      cursor = page.getCursor();
    } while (!"0".equals(cursor));
    return keys;
  }

  private void publishAndRetire(List<NotificationRequest> requests) {
    h.intake().submit(requests);
    PublishCycle cycle = h.cycle("w", Harness.settings(500, 5));
    h.drain(cycle);
    h.clock.advance(RedisTestSupport.RETENTION.published());
    while (h.backend.routes().retireFinished(h.clock.instant(), 100) > 0) {
      // a slice at a time, as the janitor does
    }
  }

  @Test
  void the_key_count_returns_to_its_baseline_once_retention_has_passed() {
    publishAndRetire(List.of(notification("warm-up").build()));
    h.raw.del(h.stream); // the gateway stream is bounded by MAXLEN ~, not by retention
    Set<String> baseline = keys();

    List<NotificationRequest> requests = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      requests.add(notification("u-" + i + "-a", "u-" + i + "-b").build());
    }
    h.intake().submit(requests);
    assertThat(keys().size())
        .as("a record each (stored format 3: no route hash while every route is untouched)")
        .isGreaterThanOrEqualTo(baseline.size() + 1_000);

    PublishCycle cycle = h.cycle("w", Harness.settings(500, 5));
    h.drain(cycle);
    h.raw.del(h.stream);
    h.clock.advance(RedisTestSupport.RETENTION.published().minusSeconds(1));
    assertThat(h.backend.routes().retireFinished(h.clock.instant(), 5_000)).isZero();
    h.clock.advance(java.time.Duration.ofSeconds(1));
    int retired = 0;
    for (int n = h.backend.routes().retireFinished(h.clock.instant(), 500);
        n > 0;
        n = h.backend.routes().retireFinished(h.clock.instant(), 500)) {
      retired += n;
    }

    assertThat(retired).isEqualTo(1_000);
    assertThat(keys()).isEqualTo(baseline);
  }
}
