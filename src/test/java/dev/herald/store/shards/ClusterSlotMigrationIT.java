package dev.herald.store.shards;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.ConfigLoader;
import dev.herald.daemon.Stores;
import dev.herald.domain.NotificationRequest;
import dev.herald.domain.Shards;
import dev.herald.intake.SubmitResult;
import dev.herald.publish.EventEncoder;
import dev.herald.publish.PublishCycle;
import dev.herald.publish.PublisherListener;
import dev.herald.publish.RouteInfo;
import dev.herald.store.NotificationRecord;
import dev.herald.store.RouteRecord;
import dev.herald.store.StoreUnavailableException;
import dev.herald.store.redis.RedisKeys;
import dev.herald.testing.Harness;
import dev.herald.testing.RedisClusterSet;
import dev.herald.testing.SlotMove;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A shard's slot caught half-moved between two masters, as a reshard leaves it for a moment: some
 * of its keys on the new master, the rest still on the old. Redis checks only a script's declared
 * keys, and Herald's scripts derive the notifications' keys from them, so a script let run then
 * would fail part-way on the old master or, sent on by {@code ASK}, read the keys not moved yet as
 * absent on the new one. The slot guard every such script declares makes Redis refuse it with
 * {@code TRYAGAIN} instead, before it runs; once the slot has moved the calls go through whole.
 */
class ClusterSlotMigrationIT {

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

  @Test
  void a_claim_on_a_slot_whose_records_moved_in_part_waits_and_then_publishes_each_route_once()
      throws Exception {
    try (Harness h = new Harness();
        Stores stores = stores(h);
        RedisClusterClient raw = client()) {
      List<String> ids = new ArrayList<>();
      for (SubmitResult r : stores.intake().submit(notifications(2 * SHARDS))) {
        assertThat(r.outcome()).as("%s", r).isEqualTo(SubmitResult.Outcome.ACCEPTED);
        ids.add(r.notificationId());
      }
      Shards layout = new Shards(SHARDS);
      RedisKeys shard0 = RedisKeys.ofShards(h.namespace, SHARDS).get(0);
      List<String> inShard0 = ids.stream().filter(id -> layout.ofId(id) == 0).toList();
      assertThat(inShard0).hasSize(2);
      // Every key claim.lua declares exists, as in a deployment that has run a while (a schedule
      // entry once quarantined, a channel once paused or limited, a finished notification): a
      // declared key absent on both nodes would refuse the script by itself.
      raw.hset(shard0.quarantine(), "n-gone:0-0", "1|unreadable");
      raw.hset(shard0.channelControls(), "paused:sms", "1|ops");
      raw.hset(shard0.channelBuckets(), "sms", "1|1");
      raw.zadd(shard0.retention(), 9e12, "n-finished");
      // One notification's keys moved, the other's and the schedule not yet.
      SlotMove move = SlotMove.begin(cluster, JedisClusterCRC16.getSlot(shard0.schedule()));
      String moved = inShard0.get(0);
      String stayed = inShard0.get(1);
      move.move(List.of(shard0.notification(moved), shard0.routes(moved)));
      Map<String, String> stayedBefore = raw.hgetAll(shard0.routes(stayed));

      PublishCycle cycle = cycle(h, stores);
      Drained during = drain(cycle);
      assertThat(during.routes())
          .as("the routes of the 15 shards that are not moving")
          .isEqualTo(30);
      assertThat(during.failure())
          .as("shard 0's claim, refused before it ran")
          .contains("TRYAGAIN");
      assertThat(raw.xlen(shard0.stream(h.stream))).as("shard 0's stream").isZero();
      assertThat(raw.hgetAll(shard0.routes(stayed)))
          .as("the route of shard 0 still on the old master: untouched (no lease)")
          .isEqualTo(stayedBefore);

      move.finish();
      assertThat(drain(cycle))
          .as("shard 0's two routes, once the slot has moved")
          .isEqualTo(new Drained(2, null));
      Set<String> events = new HashSet<>();
      long entries = 0;
      for (RedisKeys k : RedisKeys.ofShards(h.namespace, SHARDS)) {
        var read = raw.xrange(k.stream(h.stream), "-", "+");
        entries += read.size();
        read.forEach(e -> events.add(e.getFields().get("event_id")));
      }
      assertThat(events).hasSize(2 * SHARDS);
      assertThat(entries).isEqualTo(2 * SHARDS);
      for (String id : ids) {
        NotificationRecord record = stores.backend().notifications().find(id).orElseThrow();
        for (RouteRecord r : record.routes()) {
          assertThat(r.state()).as(id).hasToString("PUBLISHED");
          assertThat(r.attempts()).as("attempts of %s", id).isEqualTo(1);
        }
      }
    }
  }

  @Test
  void a_repeat_sent_on_by_ask_is_refused_while_its_idempotency_key_is_still_on_the_old_master()
      throws Exception {
    try (Harness h = new Harness();
        Stores stores = stores(h)) {
      NotificationRequest first =
          Harness.notification("u-1").producer("shop").idempotencyKey("order-7").build();
      SubmitResult original = stores.intake().submit(List.of(first)).get(0);
      assertThat(original.outcome()).isEqualTo(SubmitResult.Outcome.ACCEPTED);
      int shard = new Shards(SHARDS).ofIdempotencyKey("shop", "order-7");
      RedisKeys keys = RedisKeys.ofShards(h.namespace, SHARDS).get(shard);
      // accept.lua's declared keys moved: the old master answers ASK; the idempotency key, the
      // record and its routes are still there.
      SlotMove move = SlotMove.begin(cluster, JedisClusterCRC16.getSlot(keys.schedule()));
      move.move(List.of(keys.schedule(), keys.stats(), keys.typeFigures()));

      SubmitResult during = stores.intake().submit(List.of(first)).get(0);
      assertThat(during.outcome())
          .as("a repeat while the slot is half-moved: %s", during)
          .isIn(SubmitResult.Outcome.UNAVAILABLE, SubmitResult.Outcome.UNKNOWN);

      move.finish();
      SubmitResult after = stores.intake().submit(List.of(first)).get(0);
      assertThat(after.outcome()).isEqualTo(SubmitResult.Outcome.DUPLICATE);
      assertThat(after.notificationId()).isEqualTo(original.notificationId());
    }
  }

  @Test
  void a_batch_across_shards_one_of_which_starts_moving_keeps_what_the_others_recorded()
      throws Exception {
    try (Harness h = new Harness();
        Stores stores = stores(h)) {
      for (SubmitResult r : stores.intake().submit(notifications(2 * SHARDS))) {
        assertThat(r.outcome()).as("%s", r).isEqualTo(SubmitResult.Outcome.ACCEPTED);
      }
      int slot =
          JedisClusterCRC16.getSlot(RedisKeys.ofShards(h.namespace, SHARDS).get(0).schedule());
      AtomicInteger published = new AtomicInteger();
      AtomicInteger leaseLost = new AtomicInteger();
      AtomicReference<SlotMove> move = new AtomicReference<>();
      PublisherListener listener =
          new PublisherListener() {
            @Override
            public void onClaimed(int routes, Duration took) {
              // Between the claim and its completion, shard 0's slot starts to move.
              if (routes > 0 && move.get() == null) {
                move.set(SlotMove.begin(cluster, slot));
              }
            }

            @Override
            public void onPublished(RouteInfo route, Duration lag) {
              published.incrementAndGet();
            }

            @Override
            public void onLeaseLost(RouteInfo route) {
              leaseLost.incrementAndGet();
            }
          };
      // Claims that lease: the slot moves between a claim and its completion.
      PublishCycle cycle =
          new PublishCycle(
              stores.backend().routes(),
              new EventEncoder(h.channels),
              () -> Harness.leasing(Harness.settings(500, 5)),
              stores.clock(),
              listener,
              "migration");
      PublishCycle.Result first;
      try {
        first = cycle.runOnce();
      } catch (RuntimeException e) {
        move.get().finish(); // leave the slot whole for the other tests
        throw e;
      }
      move.get().finish();
      assertThat(first.claimed()).isEqualTo(2 * SHARDS);
      assertThat(first.sinkError()).as("shard 0 refused its part").contains("TRYAGAIN");
      assertThat(published).as("the other shards' routes, recorded").hasValue(30);

      PublishCycle.Result second = cycle.runOnce();
      assertThat(second.sinkUnavailable()).isFalse();
      assertThat(published).as("shard 0's two, sent again under their lease").hasValue(32);
      assertThat(leaseLost).as("nothing sent again that was recorded").hasValue(0);
    }
  }

  private Stores stores(Harness h) {
    Path config =
        h.writeConfig(
            dir.resolve(h.namespace), cluster.redisYaml(SHARDS), "intake:", "  stream: off");
    return new Stores(new ConfigLoader(Map.of()).load(config), Clock.systemUTC(), 4);
  }

  private static PublishCycle cycle(Harness h, Stores stores) {
    return new PublishCycle(
        stores.backend().routes(),
        new EventEncoder(h.channels),
        () -> Harness.settings(500, 5),
        stores.clock(),
        PublisherListener.NONE,
        "migration");
  }

  /**
   * Runs cycles until one claims nothing, or fails for want of a shard that does not answer (when
   * that shard is all that is left); the routes claimed in all, and the failure, if any.
   */
  private static Drained drain(PublishCycle cycle) {
    int total = 0;
    while (true) {
      int claimed;
      try {
        claimed = cycle.runOnce().claimed();
      } catch (StoreUnavailableException e) {
        return new Drained(total, e.getMessage());
      }
      if (claimed == 0) {
        return new Drained(total, null);
      }
      total += claimed;
    }
  }

  private record Drained(int routes, String failure) {}

  private static List<NotificationRequest> notifications(int n) {
    List<NotificationRequest> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(Harness.notification("u-" + i).build());
    }
    return list;
  }

  private static RedisClusterClient client() {
    Set<HostAndPort> seeds =
        cluster.addresses().stream().map(HostAndPort::from).collect(Collectors.toSet());
    return RedisClusterClient.builder().nodes(seeds).build();
  }
}
