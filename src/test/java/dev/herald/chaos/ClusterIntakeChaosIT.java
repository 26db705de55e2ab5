package dev.herald.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.config.ConfigLoader;
import dev.herald.daemon.Stores;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.Shards;
import dev.herald.store.IntentStream;
import dev.herald.store.NotificationStore;
import dev.herald.store.redis.RedisKeys;
import dev.herald.testing.Harness;
import dev.herald.testing.RedisClusterSet;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;

/**
 * Intake of the shards' intents streams by two {@code herald run} processes on a Redis Cluster (16
 * shards), one of them killed (SIGKILL) while intents keep coming, then started again: every intent
 * is accepted, none twice, each acknowledged once. Half the intents have an idempotency key, most
 * of whose shards are not their stream's, so their accepts and settles are two steps in two slots.
 */
class ClusterIntakeChaosIT {

  private static final int SHARDS = 16;

  @TempDir Path dir;

  @Test
  void a_process_killed_mid_intake_loses_no_intent_and_accepts_none_twice() throws Exception {
    int intents = Chaos.routes(3_000, 30_000);
    try (RedisClusterSet cluster = RedisClusterSet.start();
        Harness h = new Harness()) {
      String stream = h.namespace + ":intents";
      String extra =
          "publisher:\n  workers: 2\nintake:\n  stream: "
              + stream
              + "\n  claim-idle: 2s\n  batch-size: 100";
      List<String> redisYaml = cluster.redisYaml(SHARDS);
      Path config = h.writeConfig(dir.resolve("submitter"), redisYaml, extra.split("\n"));
      List<String> streams =
          RedisKeys.ofShards(h.namespace, SHARDS).stream().map(k -> k.stream(stream)).toList();
      Shards layout = new Shards(SHARDS);
      try (Stores stores =
              new Stores(new ConfigLoader(Map.of()).load(config), Clock.systemUTC(), 4);
          RedisClusterClient raw = ClusterChaos.client(cluster);
          Fleet fleet = new Fleet(dir, 2, h, redisYaml, extra)) {
        fleet.startAll();
        await().atMost(Duration.ofSeconds(60)).until(fleet::allUp);
        IntentStream all = stores.intents();
        List<String> keyless = new ArrayList<>();
        AtomicInteger written = new AtomicInteger();
        Thread producer =
            new Thread(
                () -> {
                  for (int i = 0; i < intents; i++) {
                    int shard = i % SHARDS;
                    String key = i % 2 == 0 ? null : "k-" + i;
                    StreamEntryID id =
                        raw.xadd(
                            streams.get(shard),
                            XAddParams.xAddParams(),
                            Map.of("intent", intent("u-" + i, key)));
                    if (key == null) {
                      synchronized (keyless) {
                        keyless.add(
                            NotificationIds.ofIntent(
                                streams.get(shard), id.toString(), id.getTime(), shard));
                      }
                    }
                    written.incrementAndGet();
                    if (i % 50 == 49) {
                      try {
                        Thread.sleep(40); // a steady trickle, so that the kill lands mid-intake
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                      }
                    }
                  }
                },
                "producer");
        producer.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> written.get() >= intents / 3);
        fleet.get(0).kill(); // SIGKILL: whatever batch it had read or half settled stays pending
        await().atMost(Duration.ofSeconds(60)).until(() -> written.get() >= 2 * intents / 3);
        fleet.start(0);
        producer.join(Duration.ofMinutes(5).toMillis());
        await()
            .atMost(Chaos.duration(Duration.ofSeconds(90), Duration.ofMinutes(5)))
            .ignoreExceptions()
            .until(
                () -> {
                  var s = all.snapshot();
                  return s.streamLength() == 0 && s.pending() == 0;
                });

        var counters = stores.backend().stats().snapshot(Instant.now(), List.of());
        NotificationStore notifications = stores.backend().notifications();
        Set<String> found = new HashSet<>();
        for (String id : keyless) {
          assertThat(notifications.find(id)).as("keyless intent %s", id).isPresent();
          found.add(id);
        }
        int crossing = 0;
        for (int i = 1; i < intents; i += 2) {
          String id = notifications.findIdByIdempotencyKey("p", "k-" + i).orElseThrow();
          assertThat(layout.ofId(id)).isEqualTo(layout.ofIdempotencyKey("p", "k-" + i));
          crossing += layout.ofId(id) != i % SHARDS ? 1 : 0;
          found.add(id);
        }
        Chaos.report(
            "cluster intake, process killed",
            String.format(
                "%d intents over 16 shard streams (%d keyed in another shard), 2 processes, one"
                    + " SIGKILLed and restarted (took over: %s): accepted %d, acknowledged %d,"
                    + " rejected %d",
                intents,
                crossing,
                fleet.logged("took over"),
                counters.counter("notifications_accepted"),
                counters.counter("intents_acknowledged"),
                counters.counter("intents_rejected")));
        assertThat(found).as("every intent's notification, once").hasSize(intents);
        assertThat(counters.counter("notifications_accepted")).isEqualTo(intents);
        assertThat(counters.counter("intents_acknowledged")).isEqualTo(intents);
        assertThat(counters.counter("intents_rejected")).isZero();
      }
    }
  }

  private static String intent(String recipient, String key) {
    return "{\"type\":\"t\",\"producer\":\"p\","
        + (key == null ? "" : "\"idempotency_key\":\"" + key + "\",")
        + "\"recipients\":[\""
        + recipient
        + "\"],\"channels\":[\"push\"]}";
  }
}
