package dev.herald.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.testing.HeraldProcess;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.RedisTestSupport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The HTTP API's spool under faults, with real {@code herald run} processes: Redis stopped while a
 * client POSTs at a steady rate (every request answered 201 or 202, then each notification
 * published once, and in the gateway stream in submission order per producer), and Herald SIGKILLed
 * while spooling and while replaying, restarted over a torn last line and a garbage segment
 * (nothing lost, nothing twice, both counted).
 */
class SpoolChaosIT {

  private static final int PRODUCERS = 10;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
  Path dir; // kept when a scenario fails: the herald logs are in it

  private RedisServerProcess redis;
  private String stream;
  private int apiPort;
  private int opsPort;
  private Path config;

  private void setUp(String extra) throws IOException {
    redis =
        RedisServerProcess.start("--appendonly", "yes", "--appendfsync", "always", "--save", "");
    stream = "chaos:spool:" + System.nanoTime();
    apiPort = RedisServerProcess.freePort();
    opsPort = RedisServerProcess.freePort();
    config = dir.resolve("herald.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "redis:",
            "  url: " + redis.url(),
            "namespace: spoolchaos",
            "gateway:",
            "  stream: " + stream,
            "  max-length: 10000000",
            "publisher:",
            "  workers: 1", // one worker publishes in due order: the order check needs it
            "ops:",
            "  listen: 127.0.0.1:" + opsPort,
            "api:",
            "  listen: 127.0.0.1:" + apiPort,
            "console:",
            "  listen: 'off'",
            "spool:",
            "  dir: " + dir.resolve("spool"),
            extra,
            ""));
  }

  private HeraldProcess herald(String name) {
    HeraldProcess p =
        HeraldProcess.start(dir.resolve(name + ".log"), "run", "--config", config.toString());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get("/v1/openapi.json") == 200 || !p.isAlive());
    assertThat(p.isAlive()).as("herald started: %s", p.log()).isTrue();
    return p;
  }

  private int get(String path) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** POSTs one notification; its status, or -1 when the connection failed (no answer). */
  private int post(int producer, int seq) {
    String body =
        "{\"type\":\"chaos.p"
            + producer
            + "\",\"producer\":\"p"
            + producer
            + "\",\"idempotency_key\":\"p"
            + producer
            + "-"
            + seq
            + "\",\"recipients\":[\"u-"
            + producer
            + "\"],\"channels\":[\"push\"],\"payload\":{\"seq\":"
            + seq
            + "}}";
    try {
      return HTTP.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + apiPort + "/v1/notifications"))
                  .timeout(Duration.ofSeconds(10))
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /**
   * {@code total} notifications from {@link #PRODUCERS} producers, each sending in order (the next
   * after the answer to the last), at {@code rate} a second in all. A request without an answer is
   * sent again with the same idempotency key while {@code retry} says so.
   */
  private Map<Integer, AtomicInteger> client(int total, int rate, boolean retry) throws Exception {
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    long start = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < PRODUCERS; p++) {
      int producer = p;
      Thread t =
          new Thread(
              () -> {
                for (int seq = 0; seq < total / PRODUCERS; seq++) {
                  long due = start + (long) ((seq * PRODUCERS + producer) * 1e9 / rate);
                  long wait = due - System.nanoTime();
                  if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                  }
                  int status = post(producer, seq);
                  for (int i = 0; retry && status == -1 && i < 200; i++) {
                    java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
                    status = post(producer, seq);
                  }
                  statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                }
              });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    return statuses;
  }

  private List<StreamEntry> entries() {
    try (RedisClient raw = RedisTestSupport.raw(redis.url())) {
      List<StreamEntry> all = new ArrayList<>();
      StreamEntryID from = new StreamEntryID(0, 0);
      while (true) {
        List<StreamEntry> page = raw.xrange(stream, from, (StreamEntryID) null, 10_000);
        if (page.isEmpty()) {
          return all;
        }
        // Each page starts just after the last one (the last id plus one, not yet seen): an entry
        // there is new. Skipping it lost one entry per page, so that 20,000 read as 19,998.
        all.addAll(page);
        StreamEntryID last = page.get(page.size() - 1).getID();
        if (page.size() < 10_000) {
          return all;
        }
        from = new StreamEntryID(last.getTime(), last.getSequence() + 1);
      }
    }
  }

  private static int seq(StreamEntry e) {
    String payload = e.getFields().get("payload_bytes");
    return Integer.parseInt(payload.replaceAll("\\D", ""));
  }

  /**
   * Each (producer, seq) once; when {@code ordered}, accepted in submission order per producer
   * (each notification's id, a ULID, starts with its acceptance time). Returns how many entries the
   * stream holds out of submission order per producer.
   */
  private long assertOnceInOrder(List<StreamEntry> entries, int total, boolean ordered) {
    Map<String, Integer> count = new HashMap<>();
    Map<String, Integer> last = new HashMap<>();
    Map<String, java.util.TreeMap<Integer, String>> accepted = new HashMap<>();
    long outOfOrder = 0;
    for (StreamEntry e : entries) {
      String producer = e.getFields().get("event_type");
      int seq = seq(e);
      count.merge(producer + "/" + seq, 1, Integer::sum);
      accepted
          .computeIfAbsent(producer, k -> new java.util.TreeMap<>())
          .put(seq, e.getFields().get("notification_id").substring(0, 10));
      Integer before = last.put(producer, seq);
      if (before != null && seq < before) {
        outOfOrder++;
      }
    }
    assertThat(count).as("distinct notifications published").hasSize(total);
    assertThat(count.values()).as("each published once").allMatch(c -> c == 1);
    if (ordered) {
      for (java.util.TreeMap<Integer, String> bySeq : accepted.values()) {
        assertThat(new ArrayList<>(bySeq.values()))
            .as("acceptance times in submission order")
            .isSorted();
      }
    }
    return outOfOrder;
  }

  @Test
  void redis_stopped_while_a_client_posts_every_request_is_answered_and_published_once_in_order()
      throws Exception {
    // Full size: 20,000 POSTs at 1,000/s, Redis stopped once 200 are published, for 20 s (it
    // returns after the client is done). Short: 3,000, Redis stopped for 1.5 s and back while the
    // client still posts,
    // so that its producers go from Redis to the spool and back to Redis behind their spooled ones.
    // The outage stays shorter than the lease (30 s): a batch in hand when Redis stops is sent
    // again under its lease when Redis returns, ahead of what was due meanwhile. An outage longer
    // than the lease lets that batch's lease run out, and it is published after the notifications
    // spooled during the outage (README: order per producer holds while no lease runs out).
    int total = Chaos.routes(3_000, 20_000);
    int rate = 1_000;
    Duration outage = Chaos.duration(Duration.ofMillis(1_500), Duration.ofSeconds(20));
    setUp("  fsync: batch");
    try (HeraldProcess h = herald("outage")) {
      java.util.concurrent.CompletableFuture<Map<Integer, AtomicInteger>> client =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  return client(total, rate, false);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      // Stopped once Redis has taken some (a cold JVM may take the first second to answer).
      await().atMost(Duration.ofSeconds(30)).until(() -> entries().size() >= 200);
      redis.shutdown();
      Thread.sleep(outage.toMillis());
      redis.startAgain();
      long up = System.nanoTime();
      Map<Integer, AtomicInteger> statuses = client.get();
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(200))
          .alias("all " + total + " published; logs in " + dir)
          .until(() -> entries().size() >= total);
      double drained = (System.nanoTime() - up) / 1e9;
      List<StreamEntry> entries = entries();
      assertThat(statuses.keySet()).as("statuses %s", statuses).isSubsetOf(201, 202);
      assertThat(statuses).as("some before the outage").containsKey(201);
      assertThat(statuses).as("some during it").containsKey(202);
      long streamDisorder = assertOnceInOrder(entries, total, true);
      assertThat(streamDisorder)
          .as("gateway stream entries out of submission order per producer")
          .isZero();
      Chaos.report(
          "spool outage",
          total
              + " POSTs at "
              + rate
              + "/s, Redis stopped "
              + outage.toMillis()
              + " ms once 200 were published: answers "
              + statuses
              + ", published "
              + entries.size()
              + ", 0 duplicated, in submission order per producer in the gateway stream; all"
              + " published "
              + String.format("%.1f", drained)
              + " s after Redis returned");
      assertThat(h.terminate(30)).isZero();
    } finally {
      redis.close();
    }
  }

  @Test
  void herald_killed_while_spooling_and_while_replaying_loses_nothing_and_stores_nothing_twice()
      throws Exception {
    int total = Chaos.routes(2_000, 10_000);
    setUp("  fsync: request\n  replay-rate: " + Chaos.routes(500, 2000));
    AtomicLong killedAt = new AtomicLong();
    java.util.concurrent.atomic.AtomicReference<HeraldProcess> second =
        new java.util.concurrent.atomic.AtomicReference<>();
    try {
      redis.shutdown();
      HeraldProcess first = herald("first");
      Thread killer =
          new Thread(
              () -> {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000_000L);
                first.kill(); // while spooling
                killedAt.set(System.nanoTime());
              });
      killer.start();
      Thread restart =
          new Thread(
              () -> {
                await().atMost(Duration.ofSeconds(10)).until(() -> killedAt.get() != 0);
                second.set(herald("second"));
              });
      // The client retries unanswered requests (same idempotency key) until the restart answers.
      restart.start();
      Map<Integer, AtomicInteger> statuses = client(total, 1_000, true);
      restart.join();
      // The second process is the one answering now; find it by its log and stop it abruptly
      // once replay is under way.
      Path spool = dir.resolve("spool");
      redis.startAgain();
      await().atMost(Duration.ofMinutes(1)).until(() -> entries().size() > 0);
      second.get().kill(); // SIGKILL while replaying
      int before = entries().size();
      // A torn last line and a garbage segment, as a crash mid-write and a stray file leave.
      List<Path> segments;
      try (Stream<Path> files = Files.list(spool)) {
        segments =
            files.filter(f -> f.getFileName().toString().startsWith("segment-")).sorted().toList();
      }
      if (!segments.isEmpty()) {
        Files.writeString(
            segments.get(segments.size() - 1), "{\"id\":\"01M8", StandardOpenOption.APPEND);
      }
      Files.writeString(spool.resolve("segment-00000000000000099999.ndjson"), "garbage\nmore\n");
      try (HeraldProcess third = herald("third")) {
        await()
            .atMost(Duration.ofMinutes(3))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> entries().size() >= total);
        String metrics =
            dev.herald.testing.Http.get("http://127.0.0.1:" + opsPort + "/metrics").body();
        assertThat(metrics).contains("herald_spool_corrupt_segments_total 1.0");
        assertThat(Files.exists(spool.resolve("corrupt-segment-00000000000000099999.ndjson")))
            .isTrue();
        if (!segments.isEmpty()) {
          assertThat(metrics).contains("herald_spool_torn_records_total 1.0");
        }
        assertThat(statuses.keySet()).as("statuses %s", statuses).isSubsetOf(201, 202);
        assertOnceInOrder(entries(), total, false);
        Chaos.report(
            "spool kills",
            total
                + " POSTs, Redis down, SIGKILL while spooling and while replaying ("
                + before
                + " published by then), torn line + garbage segment at restart: answers "
                + statuses
                + ", published "
                + entries().size()
                + ", 0 lost, 0 duplicated");
        assertThat(third.terminate(30)).isZero();
      }
    } finally {
      redis.close();
    }
  }
}
