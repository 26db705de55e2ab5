package dev.herald.store.shards;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.ConfigLoader;
import dev.herald.daemon.Stores;
import dev.herald.domain.NotificationRequest;
import dev.herald.domain.Shards;
import dev.herald.store.ClaimedBatch;
import dev.herald.store.ClaimedNotification;
import dev.herald.store.RouteStore;
import dev.herald.testing.Harness;
import dev.herald.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A channel's rate limit on a four-shard layout (on one Redis: a sharded layout needs no cluster)
 * holds across the shards: the shards' claims spend tokens of one shared bucket, the unspent ones
 * go back, and an operator's limit reaches every shard. Times are given, not waited for.
 */
class ShardedRateLimitIT {

  private static final Duration LEASE = Duration.ofSeconds(30);

  @TempDir Path dir;

  private Stores stores(String... extra) throws Exception {
    String ns = TestRedis.namespace();
    List<String> lines =
        new ArrayList<>(
            List.of(
                "redis:",
                "  url: " + TestRedis.heraldUrl(),
                "namespace: " + ns,
                "shards: 4",
                "intake:",
                "  stream: off",
                "channels:",
                "  push:",
                "    stream: " + ns + ":gw"));
    lines.addAll(List.of(extra));
    Path file = dir.resolve("herald.yaml");
    Files.writeString(file, String.join("\n", lines) + "\n");
    return new Stores(new ConfigLoader(Map.of()).load(file), Clock.systemUTC(), 4);
  }

  private static void submit(Stores stores, int notifications) {
    List<NotificationRequest> batch = new ArrayList<>();
    for (int i = 0; i < notifications; i++) {
      batch.add(Harness.notification("u-" + i).build());
    }
    stores.intake().submit(batch);
  }

  private static int routes(ClaimedBatch batch, Set<Integer> shards) {
    int n = 0;
    for (ClaimedNotification c : batch.notifications()) {
      shards.add(new Shards(4).ofId(c.notificationId()));
      n += c.routes().size();
    }
    return n;
  }

  @Test
  void the_configs_limit_holds_across_every_shard_and_unspent_tokens_go_back() throws Exception {
    try (Stores stores = stores("    rate-limit: 10")) {
      submit(stores, 40);
      RouteStore routes = stores.backend().routes();
      Instant t0 = stores.clock().instant().plusSeconds(60);
      Set<Integer> shards = new HashSet<>();
      // A full bucket: one second's worth, taken from all four shards together.
      assertThat(routes(routes.claimDue(t0, LEASE, "w.1", 100), shards)).isEqualTo(10);
      // The next claim starts at the next shard, whose own bucket would be full.
      assertThat(routes(routes.claimDue(t0, LEASE, "w.2", 100), shards)).isZero();
      // Half a second later, half a second's worth; a small batch leaves tokens, which go back.
      Instant half = t0.plusMillis(500);
      assertThat(routes(routes.claimDue(half, LEASE, "w.3", 2), shards)).isEqualTo(2);
      assertThat(routes(routes.claimDue(half, LEASE, "w.4", 100), shards)).isEqualTo(3);
      assertThat(routes(routes.claimDue(half, LEASE, "w.5", 100), shards)).isZero();
    }
  }

  @Test
  void an_operators_limit_reaches_every_shard() throws Exception {
    try (Stores stores = stores()) {
      submit(stores, 40);
      stores.channels().limit("push", 8, "test");
      RouteStore routes = stores.backend().routes();
      Instant t0 = stores.clock().instant().plusSeconds(60);
      Set<Integer> shards = new HashSet<>();
      assertThat(routes(routes.claimDue(t0, LEASE, "w.1", 100), shards)).isEqualTo(8);
      assertThat(routes(routes.claimDue(t0.plusMillis(10), LEASE, "w.2", 100), shards)).isZero();
      assertThat(stores.channels().list())
          .anySatisfy(
              c -> {
                assertThat(c.name()).isEqualTo("push");
                assertThat(c.rateLimit()).hasValue(8);
              });
    }
  }
}
