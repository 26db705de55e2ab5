package dev.herald.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.daemon.Stores;
import dev.herald.domain.NotificationRequest;
import dev.herald.intake.SubmitResult;
import dev.herald.store.DeadLetterStore.Window;
import dev.herald.store.NotificationRecord;
import dev.herald.store.RouteRecord;
import dev.herald.store.redis.RedisKeys;
import dev.herald.testing.Harness;
import dev.herald.testing.RedisClusterSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/** What the cluster scenarios share: the workload, the client, and the count of the streams. */
final class ClusterChaos {

  static final int SHARDS = 16;

  /** Each process's config besides the cluster: four workers, no intake stream. */
  static final String EXTRA = "publisher:\n  workers: 4\nintake:\n  stream: off";

  private ClusterChaos() {}

  /** The shard streams of the harness's stream, in shard order. */
  static List<String> streams(Harness h) {
    return RedisKeys.ofShards(h.namespace, SHARDS).stream().map(k -> k.stream(h.stream)).toList();
  }

  static RedisClusterClient client(RedisClusterSet cluster) {
    Set<HostAndPort> seeds =
        cluster.addresses().stream().map(HostAndPort::from).collect(Collectors.toSet());
    return RedisClusterClient.builder().nodes(seeds).build();
  }

  static List<StreamEntry> readAll(RedisClusterClient raw, String stream) {
    List<StreamEntry> all = new ArrayList<>();
    StreamEntryID from = null;
    while (true) {
      List<StreamEntry> page =
          from == null
              ? raw.xrange(stream, (StreamEntryID) null, (StreamEntryID) null, 1000)
              : raw.xrange(stream, "(" + from, "+", 1000);
      all.addAll(page);
      if (page.size() < 1000) {
        return all;
      }
      from = page.get(page.size() - 1).getID();
    }
  }

  static long published(RedisClusterClient raw, List<String> streams) {
    return streams.stream().mapToLong(raw::xlen).sum();
  }

  /**
   * The shard streams read to the end: entries, distinct routes, each stream's count, and the times
   * (Redis's clock, from the entry ids) of the first and the last append.
   */
  record Count(
      long entries, long distinct, Map<String, Long> perStream, long firstMillis, long lastMillis) {
    long duplicated() {
      return entries - distinct;
    }

    /** From the first append to the last. */
    double spanSeconds() {
      return (lastMillis - firstMillis) / 1e3;
    }
  }

  static Count count(RedisClusterClient raw, List<String> streams) {
    Set<String> distinct = new HashSet<>();
    long entries = 0;
    Map<String, Long> perStream = new LinkedHashMap<>();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (String stream : streams) {
      List<StreamEntry> read = readAll(raw, stream);
      perStream.put(stream, (long) read.size());
      entries += read.size();
      read.forEach(e -> distinct.add(e.getFields().get("event_id")));
      if (!read.isEmpty()) {
        first = Math.min(first, read.get(0).getID().getTime());
        last = Math.max(last, read.get(read.size() - 1).getID().getTime());
      }
    }
    return new Count(entries, distinct.size(), perStream, first, last);
  }

  /**
   * Notifications of 10 recipients, due evenly over {@code spread} from half a second on; returns
   * their ids. {@code spread} zero: all due at once.
   */
  static List<String> submit(Stores stores, int routes, Duration spread) {
    var intake = stores.intake();
    Instant start = Instant.now().plusMillis(500);
    int notifications = routes / 10;
    List<NotificationRequest> batch = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < notifications; i++) {
      String[] recipients = new String[10];
      for (int r = 0; r < 10; r++) {
        recipients[r] = "u-" + i + "-" + r;
      }
      long offset = spread.toMillis() * i / notifications;
      batch.add(Harness.notification(recipients).sendAt(start.plusMillis(offset)).build());
      if (batch.size() == 200 || i == notifications - 1) {
        for (SubmitResult r : intake.submit(batch)) {
          assertThat(r.outcome()).as("%s", r).isEqualTo(SubmitResult.Outcome.ACCEPTED);
          ids.add(r.notificationId());
        }
        batch.clear();
      }
    }
    return ids;
  }

  /**
   * Every route of every notification published at its first attempt (no attempt charged for what
   * the cluster did), no dead letter, nothing quarantined; returns the routes checked.
   */
  static long assertPublishedAtFirstAttempt(
      Stores stores, RedisClusterClient raw, Harness h, List<String> ids) {
    long routes = 0;
    for (String id : ids) {
      NotificationRecord record = stores.backend().notifications().find(id).orElseThrow();
      for (RouteRecord r : record.routes()) {
        assertThat(r.state()).as("%s/%s", id, r.routeId()).hasToString("PUBLISHED");
        assertThat(r.attempts()).as("attempts of %s/%s", id, r.routeId()).isEqualTo(1);
        routes++;
      }
    }
    assertThat(stores.backend().deadLetters().count(Window.ALL)).as("dead letters").isZero();
    for (RedisKeys k : RedisKeys.ofShards(h.namespace, SHARDS)) {
      assertThat(raw.hkeys(k.quarantine()))
          .as("quarantined in %s", k.prefix())
          .isSubsetOf(SEEDED_QUARANTINE);
    }
    return routes;
  }

  /** The schedule member {@link #seedAsAfterAWhile} puts in each quarantine. */
  static final String SEEDED_QUARANTINE = "n-seed:0-0";

  /**
   * Gives each shard the keys a deployment that has run a while has, so that every key claim.lua
   * declares exists: a schedule entry once quarantined, a channel once paused, a rate bucket, a
   * finished notification's retention. (A declared key absent on both nodes would by itself make
   * Redis refuse the script while its slot migrates.)
   */
  static void seedAsAfterAWhile(RedisClusterClient raw, Harness h) {
    for (RedisKeys k : RedisKeys.ofShards(h.namespace, SHARDS)) {
      raw.hset(k.quarantine(), SEEDED_QUARANTINE, "1|seeded");
      raw.hset(k.channelControls(), "paused:sms", "1|ops");
      raw.hset(k.channelBuckets(), "sms", "1|1");
      raw.zadd(k.retention(), 9e12, "n-seed");
    }
  }
}
