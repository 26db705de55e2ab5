package dev.herald.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.domain.Channel;
import dev.herald.domain.Notification;
import dev.herald.domain.RouteState;
import dev.herald.store.AcceptResult;
import dev.herald.store.ClaimRequest;
import dev.herald.store.ClaimedBatch;
import dev.herald.store.ProcessBoard;
import dev.herald.store.ProcessBoard.Heartbeat;
import dev.herald.store.RouteRecord;
import dev.herald.testing.RedisTestSupport;
import dev.herald.testing.TestRedis;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The gate of the stored format in a rolling upgrade: while a process whose heartbeat does not
 * declare {@code "formats"} (a version before format 2) runs, a new Herald stores exactly what that
 * version stores (compared with the text its own accept.lua writes, {@link FormatOne}); while one
 * that declares {@code "formats":2} runs, exactly what that version stores ({@link FormatTwo});
 * once they are gone the next heartbeat moves the store to format 3, and to format 4 once no
 * process that reads format 3 at most runs (until then a claim writes a state field per route it
 * publishes inline, as format 3 does), and the store stays there.
 */
class StoredFormatGateIT {

  private static final Duration WINDOW = Duration.ofHours(24);
  private static final String OLD = "old-7-aa";
  private static final String TWO = "two-6-dd";
  private static final String THREE = "three-5-ee";

  private final String namespace = TestRedis.namespace();
  private final RedisKeys keys = new RedisKeys(namespace);
  private final RedisKeys earlierKeys = new RedisKeys(namespace + ":earlier");
  private final RedisClient raw = RedisTestSupport.raw();
  private final List<RedisBackend> backends = new ArrayList<>();

  @AfterEach
  void close() {
    backends.forEach(RedisBackend::close);
    raw.close();
  }

  /** A Herald process that has not beaten yet, as at its start. */
  private RedisBackend process() {
    RedisBackend b =
        RedisBackend.connect(
            RedisTestSupport.endpoint(TestRedis.asHerald(TestRedis.url())),
            namespace,
            4,
            RedisTestSupport.RETENTION,
            Clock.systemUTC());
    backends.add(b);
    return b;
  }

  private static ProcessBoard.Beat beat(RedisBackend b, String process) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    return b.processes()
        .beat(
            new Heartbeat(
                process, "vm", 8, "dev", 4, now, null, 0, now, b.processes().formatsRead()));
  }

  /** The heartbeat of a version before format 2, as its RedisProcessBoard wrote it. */
  private void oldHeartbeat() {
    long now = Instant.now().toEpochMilli();
    raw.hset(
        keys.processes(),
        OLD,
        "{\"host\":\"old\",\"pid\":7,\"version\":\"0.9\",\"workers\":4,\"started\":"
            + (now - 60_000)
            + ",\"routes_per_second\":0.0,\"reported_at\":"
            + now
            + "}");
  }

  /** The heartbeat of a version that reads stored format 2 at most. */
  private void formatTwoHeartbeat() {
    long now = Instant.now().toEpochMilli();
    raw.hset(
        keys.processes(),
        TWO,
        "{\"host\":\"two\",\"pid\":6,\"version\":\"1.0\",\"workers\":4,\"started\":"
            + (now - 60_000)
            + ",\"routes_per_second\":0.0,\"reported_at\":"
            + now
            + ",\"formats\":2}");
  }

  private static Notification notification(String idTail) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    return new Notification(
        "01M8RG0TK1YSCDCZJN1TN6G" + idTail,
        "game.turn_ready",
        "game-engine",
        "key-" + idTail,
        List.of("u-1", "u-2", "u-3"),
        List.of("push"),
        "{\"turn\":42}",
        "req-" + idTail,
        null,
        now.plusSeconds(60),
        null,
        now,
        now.plusSeconds(3600));
  }

  private AcceptResult.Status accept(RedisBackend b, Notification n) {
    return b.notifications().accept(List.of(n), Instant.now(), WINDOW).get(0).status();
  }

  private void assertEarlierLayout(Notification n) {
    FormatOne.accept(raw, earlierKeys, List.of(n), Instant.now(), WINDOW);
    assertThat(raw.get(keys.notification(n.id())))
        .startsWith("{\"v\":1,\"id\":")
        .isEqualTo(raw.get(earlierKeys.notification(n.id())));
    Map<String, String> hash = raw.hgetAll(keys.routes(n.id()));
    assertThat(hash)
        .containsEntry("0", "p|0|" + n.sendAt().toEpochMilli())
        .doesNotContainKey("due");
    assertThat(hash).isEqualTo(raw.hgetAll(earlierKeys.routes(n.id())));
  }

  /** Byte for byte what the version before format 3 stores of {@code n}: record, routes, entry. */
  private void assertFormatTwoLayout(Notification n) {
    FormatTwo.accept(raw, earlierKeys, List.of(n), Instant.now(), WINDOW);
    assertThat(raw.get(keys.notification(n.id())))
        .startsWith("{\"v\":2,\"t\":")
        .isEqualTo(raw.get(earlierKeys.notification(n.id())));
    Map<String, String> hash = raw.hgetAll(keys.routes(n.id()));
    assertThat(hash.keySet()).containsExactlyInAnyOrder("open", "type", "exp", "due", "n");
    assertThat(hash).isEqualTo(raw.hgetAll(earlierKeys.routes(n.id())));
    assertThat(raw.zscore(keys.schedule(), n.id() + ":0-2"))
        .isEqualTo(raw.zscore(earlierKeys.schedule(), n.id() + ":0-2"))
        .isNotNull();
    assertThat(raw.get(keys.idempotency(n.producer(), n.idempotencyKey()))).isNotNull();
  }

  /** Format 3 and 4: the record of format 2, its schedule entry, and no route hash. */
  private void assertNewLayout(Notification n) {
    FormatTwo.accept(raw, earlierKeys, List.of(n), Instant.now(), WINDOW);
    assertThat(raw.get(keys.notification(n.id())))
        .startsWith("{\"v\":2,\"t\":")
        .isEqualTo(raw.get(earlierKeys.notification(n.id())));
    assertThat(raw.exists(keys.routes(n.id()))).isFalse();
    assertThat(raw.zscore(keys.schedule(), n.id() + ":0-2")).isNotNull();
  }

  @Test
  void while_an_earlier_version_runs_the_earlier_layout_is_stored_and_format_4_once_it_is_gone() {
    RedisBackend herald = process();
    oldHeartbeat();
    Notification beforeFirstBeat = notification("01");
    accept(herald, beforeFirstBeat);
    assertEarlierLayout(beforeFirstBeat);

    ProcessBoard.Beat reply = beat(herald, "new-8-bb");
    assertThat(reply.writeFormat()).isEqualTo(1);
    assertThat(reply.cannotRead()).isEmpty(); // it reads what is written: format 1
    assertThat(raw.hget(keys.processes(), "new-8-bb")).contains("\"formats\":4");
    assertThat(raw.exists(keys.storedFormat())).isFalse();
    assertThat(herald.processes().writeFormat()).isEqualTo(1);
    Notification whileOldRuns = notification("02");
    accept(herald, whileOldRuns);
    assertEarlierLayout(whileOldRuns);

    raw.hdel(keys.processes(), OLD); // the old process stopped
    assertThat(beat(herald, "new-8-bb").writeFormat()).isEqualTo(4);
    assertThat(raw.get(keys.storedFormat())).isEqualTo("4");
    assertThat(herald.processes().storedFormat()).isEqualTo(4);
    Notification afterwards = notification("03");
    accept(herald, afterwards);
    assertNewLayout(afterwards);

    // The same notification again in the other format (a spool replayed across the move) is a
    // repeat: stored already, nothing written.
    String stored = raw.get(keys.notification(whileOldRuns.id()));
    assertThat(accept(herald, whileOldRuns)).isEqualTo(AcceptResult.Status.ALREADY_STORED);
    assertThat(raw.get(keys.notification(whileOldRuns.id()))).isEqualTo(stored);
  }

  @Test
  void while_a_format_2_version_runs_its_layout_is_stored_byte_for_byte_and_format_4_after() {
    RedisBackend herald = process();
    formatTwoHeartbeat();
    assertThat(beat(herald, "new-8-bb").writeFormat()).isEqualTo(2);
    assertThat(raw.get(keys.storedFormat())).isEqualTo("2");
    Notification whileTwoRuns = notification("07");
    accept(herald, whileTwoRuns);
    assertFormatTwoLayout(whileTwoRuns);

    raw.hdel(keys.processes(), TWO);
    assertThat(beat(herald, "new-8-bb").writeFormat()).isEqualTo(4);
    assertThat(raw.get(keys.storedFormat())).isEqualTo("4");
    Notification afterwards = notification("08");
    accept(herald, afterwards);
    assertNewLayout(afterwards);

    // Stored in format 2, accepted again in format 3 (a spool replayed across the move): a repeat.
    Map<String, String> hash = raw.hgetAll(keys.routes(whileTwoRuns.id()));
    assertThat(accept(herald, whileTwoRuns)).isEqualTo(AcceptResult.Status.ALREADY_STORED);
    assertThat(raw.hgetAll(keys.routes(whileTwoRuns.id()))).isEqualTo(hash);
    assertThat(accept(herald, afterwards)).isEqualTo(AcceptResult.Status.ALREADY_STORED);
    assertThat(raw.exists(keys.routes(afterwards.id()))).isFalse();
  }

  @Test
  void the_store_stays_at_format_4_when_an_earlier_version_appears_later_and_names_it() {
    RedisBackend startedBefore = process(); // connected while nothing was decided: format 1
    RedisBackend herald = process();
    assertThat(beat(herald, "new-8-bb").writeFormat()).isEqualTo(4);

    oldHeartbeat(); // started after the store moved: it cannot read what is stored now
    formatTwoHeartbeat();
    ProcessBoard.Beat reply = beat(herald, "new-8-bb");
    assertThat(reply.writeFormat()).isEqualTo(4);
    assertThat(reply.cannotRead()).isEqualTo(Map.of(OLD, 1, TWO, 2));
    assertThat(raw.get(keys.storedFormat())).isEqualTo("4");
    Notification n = notification("04");
    accept(herald, n);
    assertNewLayout(n);

    // A process that connected before the store moved writes the earlier layout until its first
    // heartbeat's reply.
    Notification beforeItsBeat = notification("05");
    accept(startedBefore, beforeItsBeat);
    assertEarlierLayout(beforeItsBeat);
    // Stored in format 3 (no route hash), accepted again in format 1: a repeat.
    assertThat(accept(startedBefore, n)).isEqualTo(AcceptResult.Status.ALREADY_STORED);
    assertThat(raw.exists(keys.routes(n.id()))).isFalse();
    assertThat(beat(startedBefore, "new-9-cc").writeFormat()).isEqualTo(4);
    Notification afterItsBeat = notification("06");
    accept(startedBefore, afterItsBeat);
    assertNewLayout(afterItsBeat);

    // One that connects now takes the store's decision at once, heartbeat or not (the CLI keeps
    // none): the key is sticky and set only once every process running read the format.
    RedisBackend startedAfter = process();
    assertThat(startedAfter.processes().writeFormat()).isEqualTo(4);
    Notification withoutABeat = notification("09");
    accept(startedAfter, withoutABeat);
    assertNewLayout(withoutABeat);
  }

  /** The heartbeat of a version that reads stored format 3 at most. */
  private void formatThreeHeartbeat() {
    long now = Instant.now().toEpochMilli();
    raw.hset(
        keys.processes(),
        THREE,
        "{\"host\":\"three\",\"pid\":5,\"version\":\"1.1\",\"workers\":4,\"started\":"
            + (now - 60_000)
            + ",\"routes_per_second\":0.0,\"reported_at\":"
            + now
            + ",\"formats\":3}");
  }

  /** Claims {@code n}'s due routes at {@code at}, publishing them inline to the gateway stream. */
  private List<String> publishInline(RedisBackend b, Notification n) {
    Channel push = new Channel("push", namespace + ":gateway", 1_000_000);
    ClaimedBatch batch =
        b.routes()
            .claimDue(
                ClaimRequest.of(n.sendAt().plusSeconds(1), Duration.ofSeconds(30), "w.1", 100)
                    .withInline(List.of(push)));
    assertThat(batch.published()).hasSize(n.routeCount());
    List<String> ids = new ArrayList<>();
    for (StreamEntry e : raw.xrange(push.stream(), "-", "+", 100)) {
      ids.add(e.getID().toString());
    }
    return ids.subList(ids.size() - n.routeCount(), ids.size());
  }

  @Test
  void while_a_format_3_version_runs_a_claim_writes_a_state_field_per_route_it_publishes_inline() {
    RedisBackend herald = process();
    formatThreeHeartbeat();
    assertThat(beat(herald, "new-8-bb").writeFormat()).isEqualTo(3);
    Notification whileThreeRuns = notification("10");
    accept(herald, whileThreeRuns);
    List<String> ids = publishInline(herald, whileThreeRuns);

    // Exactly what format 3's claim writes: an s|<attempts>|<at>|<entry id> field per route.
    String at = Long.toString(whileThreeRuns.sendAt().plusSeconds(1).toEpochMilli());
    Map<String, String> formatThree = new java.util.HashMap<>();
    for (int i = 0; i < 3; i++) {
      formatThree.put(Integer.toString(i), "s|1|" + at + "|" + ids.get(i));
    }
    formatThree.put("open", "0");
    formatThree.put("type", "game.turn_ready");
    formatThree.put("due", Long.toString(whileThreeRuns.sendAt().toEpochMilli()));
    formatThree.put("n", "3");
    formatThree.put("exp", Long.toString(whileThreeRuns.expiresAt().toEpochMilli()));
    assertThat(raw.hgetAll(keys.routes(whileThreeRuns.id()))).isEqualTo(formatThree);

    raw.hdel(keys.processes(), THREE); // the format 3 process stopped
    assertThat(beat(herald, "new-8-bb").writeFormat()).isEqualTo(4);
    Notification afterwards = notification("11");
    accept(herald, afterwards);
    List<String> later = publishInline(herald, afterwards);
    Map<String, String> hash = raw.hgetAll(keys.routes(afterwards.id()));
    assertThat(hash.keySet()).containsExactlyInAnyOrder("P0", "open", "type", "due", "n", "exp");
    String laterAt = Long.toString(afterwards.sendAt().plusSeconds(1).toEpochMilli());
    assertThat(hash.get("P0")).isEqualTo("0|1|" + laterAt + "|" + String.join(",", later));
    for (Notification n : List.of(whileThreeRuns, afterwards)) {
      assertThat(herald.notifications().find(n.id()).orElseThrow().routes())
          .allSatisfy(r -> assertThat(r.state()).isEqualTo(RouteState.PUBLISHED))
          .extracting(RouteRecord::entryId)
          .isEqualTo(n == afterwards ? later : ids);
    }
  }

  @Test
  void a_process_that_connects_takes_the_decision_as_it_stands_and_no_more() {
    raw.set(keys.storedFormat(), "2");
    assertThat(process().processes().writeFormat()).isEqualTo(2);
    raw.set(keys.storedFormat(), "9"); // a newer version's decision: this one writes what it reads
    assertThat(process().processes().writeFormat()).isEqualTo(StoredFormat.READS);
    raw.set(keys.storedFormat(), "three"); // hand-edited: read as heartbeat.lua reads it, as 1
    assertThat(process().processes().writeFormat()).isEqualTo(1);
  }
}
