package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.domain.Channel;
import dev.herald.domain.Channels;
import dev.herald.domain.NotificationRequest;
import dev.herald.domain.Shards;
import dev.herald.publish.EventEncoder;
import dev.herald.publish.PublishCycle;
import dev.herald.publish.PublisherListener;
import dev.herald.store.redis.RedisKeys;
import dev.herald.testing.Harness;
import dev.herald.testing.RedisClusterSet;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.TestRedis;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.StreamEntry;

/**
 * {@code herald migrate} from a one-Redis store (the shared test Redis) to 16 shards on a real
 * Redis Cluster: a dry run that writes nothing, the move, and a daemon on the cluster that sends
 * what waited exactly once, while what was published before stays sent; dead letters, idempotency
 * keys and channel controls work there as they did.
 */
class MigrateIT {

  static final int SHARDS = 16;
  static final ObjectMapper JSON = new ObjectMapper();

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

  /** The ids planted in the source, by what they are. */
  record Planted(
      List<String> published,
      List<String> dead,
      List<String> retrying,
      List<String> waiting,
      List<String> later) {

    /** These and {@code more} scheduled for later, without idempotency keys. */
    Planted plusLater(List<String> more) {
      List<String> scheduled = new ArrayList<>(later);
      scheduled.addAll(more);
      return new Planted(published, dead, retrying, waiting, scheduled);
    }

    int notifications() {
      return published.size() + dead.size() + retrying.size() + waiting.size() + later.size();
    }
  }

  @Test
  void a_dry_run_counts_the_move_writes_nothing_and_the_cluster_then_sends_what_waited_once()
      throws Exception {
    try (Harness h = Harness.realTime(TestRedis.url());
        RedisClusterClient target = clusterClient()) {
      Configs c = configs(h);
      Planted p = plant(h);
      assertThat(CliRun.run("", "channels", "pause", "email", "--config", c.from).exitCode())
          .isZero();
      assertThat(CliRun.run("", "channels", "limit", "email", "250", "--config", c.from).exitCode())
          .isZero();
      List<String> indexed = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        CliRun submit =
            CliRun.run(
                "{\"type\":\"t\",\"producer\":\"game-engine\",\"recipients\":[\"r-x\",\"r-y\"],"
                    + "\"channels\":[\"push\"],\"payload\":{},\"send_at\":\"2099-01-01T00:00:00Z\"}",
                "submit",
                "--config",
                c.from);
        assertThat(submit.exitCode()).as(submit.err()).isZero();
        indexed.add(submit.out().trim());
      }
      JsonNode before = stats(c.from);
      Set<String> sourceKeys = keys(h, h.namespace + ":*");

      CliRun dry = migrate(c, "--dry-run", "--json");
      assertThat(dry.exitCode()).as(dry.err() + dry.out()).isZero();
      JsonNode counted = JSON.readTree(dry.out());
      Planted all = p.plusLater(indexed);
      assertTotals(counted, all);
      assertThat(counted.get("totals").get("recipient_entries").asInt()).isEqualTo(6);
      assertThat(counted.get("dry_run").asBoolean()).isTrue();
      assertThat(targetKeyCount(h.namespace)).as("keys written by a dry run").isZero();
      assertThat(keys(h, h.namespace + ":*")).isEqualTo(sourceKeys);

      CliRun moved = migrate(c, "--json");
      assertThat(moved.exitCode()).as(moved.err() + moved.out()).isZero();
      JsonNode tally = JSON.readTree(moved.out());
      assertTotals(tally, all);
      assertThat(tally.get("totals").get("recipient_entries").asInt()).isEqualTo(6);
      assertThat(tally.get("per_shard")).hasSize(SHARDS);
      assertThat(keys(h, h.namespace + ":*"))
          .as("what stays in the source: its stream, for its consumers to finish")
          .containsExactly(h.stream);

      CliRun found =
          CliRun.run("", "routes", "find", "--recipient", "r-x", "--json", "--config", c.to);
      assertThat(found.exitCode()).as(found.err()).isZero();
      List<String> foundIds = new ArrayList<>();
      for (String line : found.out().lines().toList()) {
        foundIds.add(JSON.readTree(line).get("notification_id").asText());
      }
      assertThat(foundIds)
          .as("the recipient index, in the shards")
          .containsExactlyInAnyOrderElementsOf(indexed);

      JsonNode after = stats(c.to);
      assertThat(after.get("totals")).isEqualTo(before.get("totals"));
      assertThat(after.get("routes")).isEqualTo(before.get("routes"));
      JsonNode channels =
          JSON.readTree(CliRun.run("", "channels", "list", "--json", "--config", c.to).out());
      assertThat(channels.get("channels").findValues("name").stream().map(JsonNode::asText))
          .contains("email");
      for (JsonNode channel : channels.get("channels")) {
        assertThat(channel.get("paused").asBoolean())
            .as("%s", channel)
            .isEqualTo(channel.get("name").asText().equals("email"));
        if (channel.get("name").asText().equals("email")) {
          assertThat(channel.get("rate_limit").asLong()).as("the rate limit moved").isEqualTo(250);
        }
      }

      String later = keyedInAnotherShard(p.later(), "later-");
      int k = p.later().indexOf(later);
      CliRun byKey =
          CliRun.run(
              "",
              "routes",
              "show",
              "--json",
              "--producer",
              "game-engine",
              "--idempotency-key",
              "later-" + k,
              "--config",
              c.to);
      assertThat(byKey.exitCode()).as(byKey.err()).isZero();
      assertThat(JSON.readTree(byKey.out()).get("notification_id").asText()).isEqualTo(later);
      CliRun byId = CliRun.run("", "routes", "show", "--config", c.to, later);
      assertThat(byId.exitCode()).as(byId.err()).isZero();
      CliRun again =
          CliRun.run(keyed("later-" + k, "2099-01-01T00:00:00Z"), "submit", "--config", c.to);
      assertThat(again.out().trim()).as("the duplicate check in the key's shard").isEqualTo(later);
      CliRun cancel =
          CliRun.run(
              "",
              "cancel",
              "--json",
              "--producer",
              "game-engine",
              "--idempotency-key",
              "later-" + k,
              "--config",
              c.to);
      assertThat(cancel.exitCode()).as(cancel.err() + cancel.out()).isZero();
      assertThat(JSON.readTree(cancel.out()).get("cancelled").asInt()).isEqualTo(2);

      CliRun dead =
          CliRun.run("", "dead-letters", "list", "--json", "--limit", "0", "--config", c.to);
      assertThat(dead.out().lines()).hasSize(p.dead().size() * 2);
      CliRun requeue = CliRun.run("", "dead-letters", "requeue", "--config", c.to, p.dead().get(0));
      assertThat(requeue.exitCode()).as(requeue.err() + requeue.out()).isZero();
      CliRun purge =
          CliRun.run("", "dead-letters", "purge", "--yes", "--config", c.to, p.dead().get(1));
      assertThat(purge.exitCode()).as(purge.err() + purge.out()).isZero();

      Files.createDirectories(dir.resolve("daemon"));
      int expected = (p.retrying().size() + p.waiting().size() + 1) * 2;
      List<String> streams =
          RedisKeys.ofShards(h.namespace, SHARDS).stream().map(s -> s.stream(h.stream)).toList();
      try (RunningDaemon daemon =
          RunningDaemon.start(dir.resolve("daemon"), Files.readString(Path.of(c.to)))) {
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(() -> streams.stream().mapToLong(target::xlen).sum() >= expected);
      }
      Set<String> sentBefore = new HashSet<>();
      List<StreamEntry> old = h.raw.xrange(h.stream, (StreamEntryID) null, (StreamEntryID) null);
      old.forEach(e -> sentBefore.add(e.getFields().get("event_id")));
      assertThat(old).hasSize(p.published().size() * 2);
      List<String> sentNow = new ArrayList<>();
      Set<String> notificationsNow = new HashSet<>();
      for (String stream : streams) {
        for (StreamEntry e : target.xrange(stream, (StreamEntryID) null, (StreamEntryID) null)) {
          sentNow.add(e.getFields().get("event_id"));
          notificationsNow.add(e.getFields().get("notification_id"));
        }
      }
      assertThat(sentNow)
          .as("routes sent on the cluster")
          .hasSize(expected)
          .doesNotHaveDuplicates();
      assertThat(sentNow).doesNotContainAnyElementsOf(sentBefore);
      assertThat(notificationsNow)
          .containsAll(p.waiting())
          .containsAll(p.retrying())
          .contains(p.dead().get(0))
          .doesNotContainAnyElementsOf(p.published());

      CliRun dup = CliRun.run(keyed("wait-0", null), "submit", "--json", "--config", c.to);
      assertThat(JSON.readTree(dup.out()).get("notification_id").asText())
          .isEqualTo(p.waiting().get(0));
      assertThat(JSON.readTree(dup.out()).get("outcome").asText()).isEqualTo("duplicate");
    }
  }

  @Test
  void moves_to_shards_on_the_same_redis_next_to_the_old_keys_and_a_rerun_finds_nothing_to_move()
      throws Exception {
    try (Harness h = Harness.realTime(TestRedis.url())) {
      String[] extra = {"intake:", "  stream: 'off'", "ops:", "  listen: 127.0.0.1:0"};
      String from = h.writeConfig(dir.resolve("old"), extra).toString();
      List<String> sharded = new ArrayList<>(List.of("shards: 4"));
      sharded.addAll(List.of(extra));
      String to = h.writeConfig(dir.resolve("new"), sharded.toArray(String[]::new)).toString();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        ids.add(
            h.submit((i % 2 == 0 ? keyedRequest("s-" + i) : Harness.notification("u-1")).build())
                .get(0));
      }
      int routes = 0;
      for (String id : ids) {
        routes += h.backend.notifications().find(id).orElseThrow().routes().size();
      }
      Configs c = new Configs(from, to);
      CliRun run = migrate(c, "--json");
      assertThat(run.exitCode()).as(run.err() + run.out()).isZero();
      JsonNode totals = JSON.readTree(run.out()).get("totals");
      assertThat(totals.get("notifications").asInt()).isEqualTo(20);
      // Stored in format 3 and untouched, they have no route hash: counted from their records.
      assertThat(totals.get("routes").asInt()).isEqualTo(routes).isPositive();
      assertThat(totals.get("waiting_routes").asInt()).isEqualTo(routes);
      assertThat(totals.get("idempotency_records").asInt()).isEqualTo(10);
      assertThat(keys(h, h.namespace + ":*"))
          .as("every key left is a shard's")
          .allSatisfy(k -> assertThat(k).startsWith(h.namespace + ":{"));
      assertThat(h.raw.get(RedisKeys.ofShards(h.namespace, 4).get(0).storedFormat()))
          .as("the stored format, beside the first shard's heartbeats")
          .isEqualTo("4");
      for (String id : ids) {
        CliRun show = CliRun.run("", "routes", "show", "--json", "--config", to, id);
        assertThat(show.exitCode()).as(show.err()).isZero();
        assertThat(JSON.readTree(show.out()).get("routes").get(0).get("status").asText())
            .isEqualTo("pending");
      }
      CliRun again = migrate(c, "--json");
      assertThat(again.exitCode()).as(again.err()).isZero();
      assertThat(JSON.readTree(again.out()).get("totals").get("notifications").asInt()).isZero();
    }
  }

  @Test
  void refuses_while_a_herald_process_runs_against_the_source_and_writes_nothing()
      throws Exception {
    try (Harness h = Harness.realTime(TestRedis.url())) {
      Configs c = configs(h);
      Files.createDirectories(dir.resolve("daemon"));
      String id =
          h.submit(
                  Harness.notification("u-1").sendAt(Instant.parse("2099-01-01T00:00:00Z")).build())
              .get(0);
      try (RunningDaemon daemon =
          RunningDaemon.start(dir.resolve("daemon"), Files.readString(Path.of(c.from)))) {
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    CliRun.run("", "processes", "--json", "--config", c.from)
                        .out()
                        .contains("\"pid\""));
        CliRun refused = migrate(c);
        assertThat(refused.exitCode()).as(refused.err()).isEqualTo(ExitCodes.FAILURE);
        assertThat(refused.err())
            .contains("refusing: a Herald process runs against the source")
            .contains("pid " + ProcessHandle.current().pid());
      }
      assertThat(targetKeyCount(h.namespace)).isZero();
      assertThat(h.raw.get(h.keys.notification(id))).isNotNull();
    }
  }

  @Test
  void refuses_while_a_lease_is_live_in_the_source_a_process_killed_a_moment_ago()
      throws Exception {
    try (Harness h = Harness.realTime(TestRedis.url())) {
      Configs c = configs(h);
      String id = h.submit(Harness.notification("u-1").build()).get(0);
      assertThat(
              h.backend
                  .routes()
                  .claimDue(Instant.now(), Duration.ofMinutes(1), "gone", 10)
                  .routeCount())
          .isEqualTo(1);
      CliRun refused = migrate(c);
      assertThat(refused.exitCode()).as(refused.err()).isEqualTo(ExitCodes.FAILURE);
      assertThat(refused.err()).contains("1 route group(s) in the source are leased");
      CliRun dry = migrate(c, "--dry-run");
      assertThat(dry.exitCode()).isEqualTo(ExitCodes.FAILURE);
      assertThat(dry.err()).contains("would refuse: 1 route group(s)");
      assertThat(dry.out()).contains("kept in the source: 1").contains(id + " (leased)");
      assertThat(targetKeyCount(h.namespace)).isZero();
    }
  }

  @Test
  void a_rerun_finishes_notifications_a_killed_run_left_half_copied_and_refuses_a_foreign_one()
      throws Exception {
    try (Harness h = Harness.realTime(TestRedis.url());
        RedisClusterClient target = clusterClient()) {
      Configs c = configs(h);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        ids.add(h.submit(keyedRequest("k-" + i).build()).get(0));
      }
      List<RedisKeys> shards = RedisKeys.ofShards(h.namespace, SHARDS);
      Shards layout = new Shards(SHARDS);
      // killed after the target's record was written, before its routes
      String first = ids.get(0);
      RedisKeys at = shards.get(layout.ofId(first));
      target.set(at.notification(first), h.raw.get(h.keys.notification(first)));
      // killed part-way through deleting the source: its routes gone there, the record not yet
      String second = ids.get(1);
      h.writeRouteHash(second); // touched (the first one is not: stored format 3, no route hash)
      RedisKeys at2 = shards.get(layout.ofId(second));
      target.set(at2.notification(second), h.raw.get(h.keys.notification(second)));
      target.hset(at2.routes(second), h.raw.hgetAll(h.keys.routes(second)));
      h.raw.del(h.keys.routes(second));
      // the target holds another notification under this id
      String foreign = ids.get(2);
      target.set(shards.get(layout.ofId(foreign)).notification(foreign), "{\"other\":true}");
      // what a broken store may hold: route states whose record is gone
      String orphan = "01M8S4ZZZZZZZZZZZZZZZZZZZ0";
      h.raw.hset(h.keys.routes(orphan), "0", "p|0|0");

      CliRun run = migrate(c, "--json");
      assertThat(run.exitCode()).as(run.err() + run.out()).isEqualTo(ExitCodes.PARTIAL);
      JsonNode tally = JSON.readTree(run.out());
      assertThat(tally.get("resumed").asInt()).isEqualTo(2);
      assertThat(tally.get("kept").get("conflict").asInt()).isEqualTo(1);
      assertThat(tally.get("kept_named").toString()).contains(foreign);
      assertThat(tally.get("notes").toString()).contains("1 route hash(es) or failure histories");
      assertThat(h.raw.exists(h.keys.routes(orphan))).as("left where it is").isTrue();
      assertThat(tally.get("totals").get("notifications").asInt()).isEqualTo(3);
      assertThat(h.raw.get(h.keys.notification(foreign))).as("kept in the source").isNotNull();
      assertThat(h.raw.zscore(h.keys.schedule(), foreign + ":0-0")).isNotNull();
      assertThat(h.raw.exists(h.keys.idempotency("game-engine", "k-2"))).isTrue();
      for (String id : List.of(first, second, ids.get(3))) {
        int k = ids.indexOf(id);
        CliRun show =
            CliRun.run(
                "",
                "routes",
                "show",
                "--json",
                "--producer",
                "game-engine",
                "--idempotency-key",
                "k-" + k,
                "--config",
                c.to);
        assertThat(show.exitCode()).as(show.err()).isZero();
        JsonNode shown = JSON.readTree(show.out());
        assertThat(shown.get("notification_id").asText()).isEqualTo(id);
        assertThat(shown.get("routes")).hasSize(1);
        assertThat(shown.get("routes").get(0).get("status").asText()).isEqualTo("pending");
        assertThat(h.raw.exists(h.keys.notification(id))).isFalse();
      }
      CliRun again = migrate(c, "--json");
      assertThat(JSON.readTree(again.out()).get("kept").get("conflict").asInt()).isEqualTo(1);
      assertThat(JSON.readTree(again.out()).get("totals").get("notifications").asInt()).isZero();
    }
  }

  // --- helpers ---

  record Configs(String from, String to) {}

  private Configs configs(Harness h) {
    String channels =
        "ops:\n  listen: 127.0.0.1:0\nconsole:\n  listen: 'off'\n  recipient-index: true\n"
            + "channels:\n  push: {}\n  email:\n    stream: "
            + h.namespace
            + ":mail";
    Path from =
        h.writeConfig(
            dir.resolve("old"),
            (channels + "\nintake:\n  stream: " + h.namespace + ":intents").split("\n"));
    Path to =
        h.writeConfig(
            dir.resolve("new"),
            cluster.redisYaml(SHARDS),
            (channels + "\nintake:\n  stream: 'off'").split("\n"));
    return new Configs(from.toString(), to.toString());
  }

  static CliRun migrate(Configs c, String... extra) {
    List<String> args = new ArrayList<>(List.of("migrate", "--from", c.from, "--config", c.to));
    args.addAll(List.of(extra));
    return CliRun.run("", args.toArray(String[]::new));
  }

  private static Planted plant(Harness h) {
    List<String> published = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      NotificationRequest.Builder b = Harness.notification("u-" + i, "v-" + i);
      published.add(h.submit((i % 2 == 0 ? b.idempotencyKey("pub-" + i) : b).build()).get(0));
    }
    h.drain(h.cycle("sender", Harness.settings(500, 5)));
    List<String> dead = new ArrayList<>();
    List<String> retrying = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      NotificationRequest.Builder d = Harness.notification("u-" + i, "v-" + i).maxAttempts(1);
      dead.add(h.submit((i % 2 == 0 ? d.idempotencyKey("dead-" + i) : d).build()).get(0));
      retrying.add(
          h.submit(Harness.notification("u-" + i, "v-" + i).maxAttempts(10).build()).get(0));
    }
    PublishCycle failing =
        new PublishCycle(
            h.backend.routes(),
            new EventEncoder(new Channels(List.of(new Channel("email", "mail", 10)))),
            () -> Harness.settings(500, 10),
            h.time,
            PublisherListener.NONE,
            "failer");
    while (failing.runOnce().claimed() > 0) {
      // until nothing is due: the dead ones dead, the others waiting for their retry
    }
    List<String> waiting = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      NotificationRequest.Builder b = Harness.notification("u-" + i, "v-" + i);
      waiting.add(h.submit((i < 5 ? b.idempotencyKey("wait-" + i) : b).build()).get(0));
    }
    List<String> later = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      later.add(
          h.submit(
                  Harness.notification("u-" + i, "v-" + i)
                      .idempotencyKey("later-" + i)
                      .sendAt(Instant.parse("2099-01-01T00:00:00Z"))
                      .build())
              .get(0));
    }
    return new Planted(published, dead, retrying, waiting, later);
  }

  private static void assertTotals(JsonNode tally, Planted p) {
    JsonNode t = tally.get("totals");
    assertThat(t.get("notifications").asInt()).as("%s", tally).isEqualTo(p.notifications());
    assertThat(t.get("routes").asInt()).isEqualTo(p.notifications() * 2);
    assertThat(t.get("waiting_routes").asInt())
        .isEqualTo((p.retrying().size() + p.waiting().size() + p.later().size()) * 2);
    assertThat(t.get("dead_letters").asInt()).isEqualTo(p.dead().size() * 2);
    assertThat(t.get("schedule_entries").asInt())
        .isEqualTo(p.retrying().size() + p.waiting().size() + p.later().size());
    assertThat(t.get("retention_entries").asInt()).isEqualTo(p.published().size());
    assertThat(t.get("idempotency_records").asInt()).isEqualTo(3 + 3 + 5 + 4);
    assertThat(t.get("channel_controls").asInt())
        .as("email's pause and rate limit, into every shard")
        .isEqualTo(2 * SHARDS);
    assertThat(t.get("stats_fields").asInt()).isPositive();
    assertThat(tally.get("kept").get("conflict").asInt()).isZero();
    assertThat(tally.get("kept").get("leased").asInt()).isZero();
  }

  /** One of {@code ids} (keyed {@code <prefix><index>}) whose key's shard is not its id's. */
  private static String keyedInAnotherShard(List<String> ids, String prefix) {
    Shards layout = new Shards(SHARDS);
    for (int i = 0; i < ids.size(); i++) {
      if (layout.ofId(ids.get(i)) != layout.ofIdempotencyKey("game-engine", prefix + i)) {
        return ids.get(i);
      }
    }
    throw new AssertionError("every one of " + ids + " is in its key's shard: ids are random");
  }

  private static NotificationRequest.Builder keyedRequest(String key) {
    return Harness.notification("u-1")
        .idempotencyKey(key)
        .sendAt(Instant.parse("2099-01-01T00:00:00Z"));
  }

  private static String keyed(String key, String sendAt) {
    return "{\"type\":\"game.turn_ready\",\"producer\":\"game-engine\",\"idempotency_key\":\""
        + key
        + "\",\"recipients\":[\"u-1\"],\"channels\":[\"push\"],\"payload\":{\"turn\":42}"
        + (sendAt == null ? "" : ",\"send_at\":\"" + sendAt + "\"")
        + "}";
  }

  private static JsonNode stats(String config) throws Exception {
    CliRun stats = CliRun.run("", "stats", "--json", "--config", config);
    assertThat(stats.exitCode()).as(stats.err()).isZero();
    return JSON.readTree(stats.out());
  }

  /** The source's keys matching {@code pattern}, read by SCAN to its end. */
  static Set<String> keys(Harness h, String pattern) {
    Set<String> out = new HashSet<>();
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = h.raw.scan(cursor, new ScanParams().match(pattern).count(1000));
      out.addAll(page.getResult());
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    return out;
  }

  /** The keys of {@code namespace} on every master of the cluster, read by SCAN to the end. */
  static long targetKeyCount(String namespace) {
    long n = 0;
    for (RedisServerProcess master : cluster.masters()) {
      try (RedisClient c = RedisClient.create(URI.create(master.url()))) {
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
          ScanResult<String> page =
              c.scan(cursor, new ScanParams().match(namespace + ":*").count(1000));
          n += page.getResult().size();
          cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
      }
    }
    return n;
  }

  static RedisClusterClient clusterClient() {
    Set<HostAndPort> seeds =
        cluster.addresses().stream().map(HostAndPort::from).collect(Collectors.toSet());
    return RedisClusterClient.builder().nodes(seeds).build();
  }
}
