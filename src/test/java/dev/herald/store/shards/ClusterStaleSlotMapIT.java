package dev.herald.store.shards;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.ConfigLoader;
import dev.herald.daemon.Stores;
import dev.herald.domain.Shards;
import dev.herald.intake.SubmitResult;
import dev.herald.store.IntakeSnapshot;
import dev.herald.store.IntentStream;
import dev.herald.store.StoreSnapshot;
import dev.herald.store.redis.RedisKeys;
import dev.herald.testing.Harness;
import dev.herald.testing.RedisClusterSet;
import dev.herald.testing.SlotMove;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A slot that moved after Herald's client read the cluster's slot map, as a reshard leaves every
 * client that has not touched the slot since: the reads Herald pipelines (a notification with its
 * routes, the store's and the intake's figures) get {@code MOVED} for every reply, which Jedis's
 * cluster pipeline does not follow. Herald follows it, as a single command would.
 */
class ClusterStaleSlotMapIT {

  private static final int SHARDS = 16;

  private static RedisClusterSet cluster;

  @TempDir Path dir;

  @BeforeAll
  static void startCluster() {
    cluster = RedisClusterSet.start();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  // Each test moves the slot once, after its client's first read: a read that follows a move
  // renews the client's whole map, and Jedis also reads it again every few seconds by itself.

  @Test
  void the_store_figures_follow_a_slot_that_moved_since_the_client_read_the_slot_map()
      throws Exception {
    try (Harness h = new Harness();
        Stores stores = stores(h)) {
      submitToShard0(stores);
      StoreSnapshot before = stores.backend().stats().snapshot(Instant.now(), List.of(h.stream));

      moveShard0(h);

      StoreSnapshot after = stores.backend().stats().snapshot(Instant.now(), List.of(h.stream));
      assertThat(after.scheduledGroups()).isEqualTo(before.scheduledGroups()).isPositive();
    }
  }

  @Test
  void the_intake_figures_follow_a_slot_that_moved_since_the_client_read_the_slot_map()
      throws Exception {
    try (Harness h = new Harness();
        Stores stores = stores(h)) {
      submitToShard0(stores);
      IntentStream intents = stores.intents(); // as the console holds it: made once
      IntakeSnapshot before = intents.snapshot();

      moveShard0(h);

      IntakeSnapshot after = intents.snapshot();
      assertThat(after.streamLength()).isEqualTo(before.streamLength()).isNotNegative();
      assertThat(after.groupExists()).isEqualTo(before.groupExists());
    }
  }

  @Test
  void a_notification_read_follows_a_slot_that_moved_since_the_client_read_the_slot_map()
      throws Exception {
    try (Harness h = new Harness();
        Stores stores = stores(h)) {
      String id = submitToShard0(stores);
      assertThat(stores.backend().notifications().find(id)).isPresent();

      moveShard0(h);

      assertThat(stores.backend().notifications().find(id))
          .as("the notification, read from the slot's new master")
          .hasValueSatisfying(n -> assertThat(n.routes()).hasSize(1));
    }
  }

  /** Submits notifications until one lands in shard 0; its id. */
  private static String submitToShard0(Stores stores) {
    for (int i = 0; ; i++) {
      SubmitResult r =
          stores.intake().submit(List.of(Harness.notification("u-" + i).build())).get(0);
      assertThat(r.outcome()).as("%s", r).isEqualTo(SubmitResult.Outcome.ACCEPTED);
      if (new Shards(SHARDS).ofId(r.notificationId()) == 0) {
        return r.notificationId();
      }
    }
  }

  /** Moves shard 0's slot to another master with a client of its own, not Herald's. */
  private static void moveShard0(Harness h) {
    RedisKeys shard0 = RedisKeys.ofShards(h.namespace, SHARDS).get(0);
    SlotMove.begin(cluster, JedisClusterCRC16.getSlot(shard0.schedule())).finish();
  }

  private Stores stores(Harness h) {
    Path config = h.writeConfig(dir.resolve(h.namespace), cluster.redisYaml(SHARDS));
    return new Stores(new ConfigLoader(Map.of()).load(config), Clock.systemUTC(), 4);
  }
}
