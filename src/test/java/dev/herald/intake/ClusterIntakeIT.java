package dev.herald.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.ConfigLoader;
import dev.herald.daemon.Stores;
import dev.herald.domain.Notification;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationValidator;
import dev.herald.domain.Shards;
import dev.herald.store.AcceptResult;
import dev.herald.store.Intent;
import dev.herald.store.IntentDecision;
import dev.herald.store.IntentStream;
import dev.herald.store.ProcessBoard;
import dev.herald.store.RejectedIntent;
import dev.herald.store.redis.RedisKeys;
import dev.herald.testing.RedisClusterSet;
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
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;

/**
 * Intake from the shards' intents streams on a real Redis Cluster (16 shards), a cycle at a time:
 * intents with and without idempotency keys, duplicates across streams, cancels of another shard's
 * notification, rejects into each shard's rejected stream; every intent settled once, and an accept
 * whose settle never came (a crash between the two) recognised when it is settled again.
 */
class ClusterIntakeIT {

  private static final int SHARDS = 16;
  private static RedisClusterSet cluster;

  @TempDir Path dir;

  @BeforeAll
  static void startCluster() {
    cluster = RedisClusterSet.start();
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  private String ns;

  private Stores stores() throws Exception {
    ns = TestRedis.namespace();
    List<String> lines = new ArrayList<>(cluster.redisYaml(SHARDS));
    lines.addAll(
        List.of(
            "namespace: " + ns,
            "gateway:",
            "  stream: " + ns + ":gw",
            "intake:",
            "  stream: " + ns + ":intents",
            "  rejected-stream: " + ns + ":rejected"));
    Path file = dir.resolve("herald.yaml");
    Files.writeString(file, String.join("\n", lines) + "\n");
    return new Stores(new ConfigLoader(Map.of()).load(file), Clock.systemUTC(), 4);
  }

  private List<String> streams() {
    return RedisKeys.ofShards(ns, SHARDS).stream().map(k -> k.stream(ns + ":intents")).toList();
  }

  static RedisClusterClient client() {
    Set<HostAndPort> seeds =
        cluster.addresses().stream().map(HostAndPort::from).collect(Collectors.toSet());
    return RedisClusterClient.builder().nodes(seeds).build();
  }

  private static String notification(String recipient, String key) {
    return "{\"type\":\"t\",\"producer\":\"p\","
        + (key == null ? "" : "\"idempotency_key\":\"" + key + "\",")
        + "\"recipients\":[\""
        + recipient
        + "\"],\"channels\":[\"push\"],\"send_at\":\"2099-01-01T00:00:00Z\"}";
  }

  /** Settles every part until none has anything left; the intents settled. */
  private static int drain(Stores stores, IntentStream all, String consumer) {
    List<IntakeCycle> cycles = new ArrayList<>();
    for (IntentStream part : all.parts()) {
      cycles.add(stores.assembly().intakeCycle(part, IntakeListener.NONE, consumer));
    }
    int total = 0;
    for (int round = 0; round < 20; round++) {
      int settled = 0;
      for (IntakeCycle cycle : cycles) {
        settled += cycle.runOnce(Duration.ZERO);
      }
      total += settled;
      if (settled == 0) {
        return total;
      }
    }
    return total;
  }

  @Test
  void intents_of_every_shards_stream_are_accepted_deduplicated_cancelled_and_rejected_once()
      throws Exception {
    try (Stores stores = stores();
        RedisClusterClient raw = client()) {
      IntentStream all = stores.intents();
      assertThat(all.parts()).hasSize(SHARDS);
      all.createGroup();
      List<String> streams = streams();
      Shards layout = new Shards(SHARDS);
      // 32 without a key, 32 with a key (most of whose shard is not their stream's), each key
      // written again to another stream (a duplicate), 16 invalid, a cancel by key for 4 of them.
      List<String> keyless = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        String stream = streams.get(i % SHARDS);
        StreamEntryID id =
            raw.xadd(
                stream, XAddParams.xAddParams(), Map.of("intent", notification("u-" + i, null)));
        keyless.add(NotificationIds.ofIntent(stream, id.toString(), id.getTime(), i % SHARDS));
      }
      int crossing = 0;
      for (int i = 0; i < 32; i++) {
        String key = "k-" + i;
        crossing += layout.ofIdempotencyKey("p", key) != i % SHARDS ? 1 : 0;
        raw.xadd(
            streams.get(i % SHARDS),
            XAddParams.xAddParams(),
            Map.of("intent", notification("v-" + i, key)));
        raw.xadd(
            streams.get((i + 5) % SHARDS),
            XAddParams.xAddParams(),
            Map.of("intent", notification("v-" + i, key)));
      }
      assertThat(crossing).isGreaterThan(20);
      for (int i = 0; i < 16; i++) {
        raw.xadd(streams.get(i), XAddParams.xAddParams(), Map.of("intent", "{\"type\":" + i));
      }
      int settled = drain(stores, all, "c-1");
      assertThat(settled).isEqualTo(32 + 64 + 16);
      for (int i = 0; i < 4; i++) {
        raw.xadd(
            streams.get((i + 9) % SHARDS),
            XAddParams.xAddParams(),
            Map.of("intent", "{\"cancel_idempotency_key\":\"k-" + i + "\",\"producer\":\"p\"}"));
      }
      assertThat(drain(stores, all, "c-1")).isEqualTo(4);

      for (String id : keyless) {
        assertThat(stores.backend().notifications().find(id)).as(id).isPresent();
      }
      Set<String> keyed = new HashSet<>();
      for (int i = 0; i < 32; i++) {
        String id =
            stores.backend().notifications().findIdByIdempotencyKey("p", "k-" + i).orElseThrow();
        assertThat(layout.ofId(id)).isEqualTo(layout.ofIdempotencyKey("p", "k-" + i));
        keyed.add(id);
        var record = stores.backend().notifications().find(id).orElseThrow();
        String expected = i < 4 ? "CANCELLED" : "PENDING";
        assertThat(record.routes())
            .singleElement()
            .satisfies(r -> assertThat(r.state().name()).isEqualTo(expected));
      }
      assertThat(keyed).hasSize(32);
      var stats = stores.backend().stats().snapshot(Instant.now(), List.of());
      assertThat(stats.counter("notifications_accepted")).as("each accepted once").isEqualTo(64);
      assertThat(stats.counter("intents_acknowledged")).isEqualTo(32 + 64 + 16 + 4);
      assertThat(stats.counter("intents_rejected")).isEqualTo(16);
      var snapshot = all.snapshot();
      assertThat(snapshot.streamLength()).isZero();
      assertThat(snapshot.pending()).isZero();
      assertThat(snapshot.rejectedTotal()).isEqualTo(16);
      List<RejectedIntent> rejected = all.rejected(100);
      assertThat(rejected).hasSize(16);
      for (int i = 1; i < rejected.size(); i++) {
        assertThat(rejected.get(i).rejectedAt())
            .isBeforeOrEqualTo(rejected.get(i - 1).rejectedAt());
      }
      assertThat(rejected).allSatisfy(r -> assertThat(r.reason()).isNotBlank());
    }
  }

  @Test
  void every_shard_stores_the_earlier_layout_until_a_heartbeat_moves_the_store_to_format_2()
      throws Exception {
    try (Stores stores = stores();
        RedisClusterClient raw = client()) {
      IntentStream all = stores.intents();
      all.createGroup();
      List<String> streams = streams();
      List<RedisKeys> shardKeys = RedisKeys.ofShards(ns, SHARDS);
      Shards layout = new Shards(SHARDS);
      for (int i = 0; i < SHARDS; i++) {
        raw.xadd(
            streams.get(i),
            XAddParams.xAddParams(),
            Map.of("intent", notification("a-" + i, "a-" + i)));
      }
      assertThat(drain(stores, all, "c-1")).isEqualTo(SHARDS);

      Instant now = Instant.now();
      var reply =
          stores
              .backend()
              .processes()
              .beat(new ProcessBoard.Heartbeat("p-1-aa", "vm", 1, "dev", 1, now, null, 0, now, 2));
      assertThat(reply.writeFormat()).isEqualTo(2);
      assertThat(raw.get(shardKeys.get(0).storedFormat())).isEqualTo("2");
      for (int i = 0; i < SHARDS; i++) {
        raw.xadd(
            streams.get(i),
            XAddParams.xAddParams(),
            Map.of("intent", notification("b-" + i, "b-" + i)));
      }
      assertThat(drain(stores, all, "c-1")).isEqualTo(SHARDS);

      Set<Integer> shardsSeen = new HashSet<>();
      for (String prefix : List.of("a-", "b-")) {
        for (int i = 0; i < SHARDS; i++) {
          String id =
              stores
                  .backend()
                  .notifications()
                  .findIdByIdempotencyKey("p", prefix + i)
                  .orElseThrow();
          RedisKeys keys = shardKeys.get(layout.ofId(id));
          shardsSeen.add(layout.ofId(id));
          String record = raw.get(keys.notification(id));
          Map<String, String> routes = raw.hgetAll(keys.routes(id));
          if (prefix.equals("a-")) {
            assertThat(record).as(id).startsWith("{\"v\":1,\"id\":");
            assertThat(routes).as(id).containsKey("0").doesNotContainKey("due");
          } else {
            assertThat(record).as(id).startsWith("{\"v\":2,");
            assertThat(routes.keySet())
                .as(id)
                .containsExactlyInAnyOrder("open", "type", "due", "n");
          }
        }
      }
      assertThat(shardsSeen).as("notifications in several shards").hasSizeGreaterThan(4);
    }
  }

  @Test
  void an_accept_stored_in_its_shard_before_a_crash_is_settled_once_when_read_again()
      throws Exception {
    try (Stores stores = stores();
        RedisClusterClient raw = client()) {
      IntentStream all = stores.intents();
      all.createGroup();
      Shards layout = new Shards(SHARDS);
      String key = null;
      for (int i = 0; key == null; i++) {
        if (layout.ofIdempotencyKey("p", "crash-" + i) != 3) {
          key = "crash-" + i;
        }
      }
      IntentStream part = all.parts().get(3);
      raw.xadd(
          streams().get(3), XAddParams.xAddParams(), Map.of("intent", notification("u-1", key)));
      raw.xadd(
          streams().get(3), XAddParams.xAddParams(), Map.of("intent", notification("u-2", null)));

      // The first half of a settle that crashed: the read, and the accept in the key's shard.
      List<Intent> read = part.read("c-1", 10, Duration.ZERO);
      assertThat(read).hasSize(2);
      IntentParser parser = new IntentParser(part.shard());
      NotificationValidator rules = new NotificationValidator(Set.of("push"), 65_536);
      NotificationIds ids = new NotificationIds(layout);
      Notification first =
          ((IntentDecision.Accept) parser.parse(read.get(0), rules, ids, Instant.now()).decision())
              .notification();
      assertThat(layout.ofId(first.id())).isNotEqualTo(3);
      assertThat(
              stores
                  .backend()
                  .notifications()
                  .accept(List.of(first), Instant.now(), Duration.ofDays(1))
                  .get(0)
                  .status())
          .isEqualTo(AcceptResult.Status.CREATED);

      // Read again from the pending entries, later: the same notification, stored once.
      assertThat(drain(stores, all, "c-1")).isEqualTo(2);
      assertThat(stores.backend().notifications().findIdByIdempotencyKey("p", key))
          .hasValue(first.id());
      var stats = stores.backend().stats().snapshot(Instant.now(), List.of());
      assertThat(stats.counter("notifications_accepted")).isEqualTo(2);
      assertThat(stats.counter("intents_acknowledged")).isEqualTo(2);
      assertThat(stats.counter("intents_rejected")).as("the repeat is the same record").isZero();
      assertThat(all.snapshot().pending()).isZero();
    }
  }

  @Test
  void an_accept_its_shard_refuses_is_rejected_alone_with_the_reason() throws Exception {
    try (Stores stores = stores();
        RedisClusterClient raw = client()) {
      IntentStream all = stores.intents();
      all.createGroup();
      Shards layout = new Shards(SHARDS);
      String key = null;
      for (int i = 0; key == null; i++) {
        if (layout.ofIdempotencyKey("p", "taken-" + i) != 5) {
          key = "taken-" + i;
        }
      }
      String stream = streams().get(5);
      int target = layout.ofIdempotencyKey("p", key);
      String id = NotificationIds.ofIntent(stream, "1000-1", 1000, target);
      raw.set(RedisKeys.ofShards(ns, SHARDS).get(target).notification(id), "another record");
      raw.xadd(
          stream, XAddParams.xAddParams().id("1000-1"), Map.of("intent", notification("u-1", key)));
      raw.xadd(stream, XAddParams.xAddParams(), Map.of("intent", notification("u-2", null)));

      assertThat(drain(stores, all, "c-1")).isEqualTo(2);
      assertThat(all.rejected(10))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.sourceId()).isEqualTo("1000-1");
                assertThat(r.reason()).contains(id).contains("already in use");
              });
      var stats = stores.backend().stats().snapshot(Instant.now(), List.of());
      assertThat(stats.counter("notifications_accepted")).isEqualTo(1);
      assertThat(all.snapshot().pending()).isZero();
    }
  }
}
