package dev.herald.cli;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.domain.Shards;
import dev.herald.store.redis.RedisKeys;
import dev.herald.testing.DeadLetterPlanting;
import dev.herald.testing.Harness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CLI commands keep no heartbeat, yet store what the store's gate decided ({@code <ns>:format}, the
 * sticky key heartbeat.lua sets once every running process reads a format): {@code submit} and
 * {@code dead-letters import} on a namespace at format 3 write short-named records and no route
 * hash, not the format 1 a process writes before it knows who runs; with no decision, format 1.
 */
class CliStoredFormatIT {

  private static final String VALID =
      "{\"type\":\"game.turn_ready\",\"producer\":\"game-engine\",\"idempotency_key\":\"turn-42\","
          + "\"recipients\":[\"u-1\",\"u-2\",\"u-3\"],\"channels\":[\"push\"],\"payload\":{\"turn\":42}}";

  @TempDir Path dir;
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  private String submit(String config) {
    CliRun submit = CliRun.run(VALID, "submit", "--config", config);
    assertThat(submit.exitCode()).as(submit.err()).isZero();
    return submit.out().trim();
  }

  @Test
  void submit_on_a_namespace_at_format_3_stores_format_3() {
    String config = h.writeConfig(dir).toString();
    h.raw.set(h.keys.storedFormat(), "3"); // as a daemon's heartbeat leaves it (the harness's did)

    String id = submit(config);

    assertThat(h.raw.get(h.keys.notification(id))).startsWith("{\"v\":2,\"t\":");
    assertThat(h.raw.exists(h.keys.routes(id))).as("no route hash until a first change").isFalse();
    assertThat(h.raw.zscore(h.keys.schedule(), id + ":0-2")).isNotNull();
    CliRun show = CliRun.run("", "routes", "show", "--config", config, id);
    assertThat(show.out()).contains("push:u-1  pending").contains("push:u-3  pending");
  }

  @Test
  void submit_on_a_namespace_at_format_2_stores_format_2_and_with_no_decision_format_1() {
    String config = h.writeConfig(dir).toString();
    h.raw.del(h.keys.storedFormat()); // the harness's own beat decided 3: undone
    String first = submit(config); // nothing decided yet: format 1, what any version reads
    assertThat(h.raw.get(h.keys.notification(first))).startsWith("{\"v\":1,\"id\":");
    assertThat(h.raw.hget(h.keys.routes(first), "0")).startsWith("p|0|");

    h.raw.set(h.keys.storedFormat(), "2"); // a process that reads format 2 at most runs
    CliRun second = CliRun.run(VALID.replace("turn-42", "turn-43"), "submit", "--config", config);
    String id = second.out().trim();
    assertThat(h.raw.get(h.keys.notification(id))).startsWith("{\"v\":2,\"t\":");
    assertThat(h.raw.hgetAll(h.keys.routes(id)))
        .containsKeys("open", "type", "due", "n")
        .doesNotContainKey("0");
  }

  @Test
  void submit_with_shards_reads_the_decision_from_the_first_shard() {
    String config = h.writeConfig(dir, "shards: 4").toString();
    List<RedisKeys> shards = RedisKeys.ofShards(h.namespace, 4);
    h.raw.set(shards.get(0).storedFormat(), "3");

    String id = submit(config);

    RedisKeys its = shards.get(new Shards(4).ofId(id));
    assertThat(h.raw.get(its.notification(id))).startsWith("{\"v\":2,\"t\":");
    assertThat(h.raw.exists(its.routes(id))).isFalse();
  }

  @Test
  void dead_letters_import_into_a_namespace_at_format_3_stores_short_records() throws Exception {
    new DeadLetterPlanting(h).streamDown(notification("u-1", "u-2"));
    Path file = dir.resolve("dead.ndjson");
    CliRun export =
        CliRun.run("", "dead-letters", "export", "--config", h.writeConfig(dir).toString());
    assertThat(export.exitCode()).as(export.err()).isZero();
    Files.writeString(file, export.out());

    try (Harness other = new Harness()) {
      other.raw.set(other.keys.storedFormat(), "3");
      String elsewhere = other.writeConfig(dir.resolve("other")).toString();
      CliRun in = CliRun.run("", "dead-letters", "import", file.toString(), "--config", elsewhere);
      assertThat(in.exitCode()).as(in.err()).isZero();
      assertThat(in.out()).startsWith("import: read 2, imported 2");

      List<String> dead = other.raw.zrange(other.keys.deadLetters(), 0, -1);
      assertThat(dead).hasSize(2);
      for (String member : dead) {
        String id = member.substring(0, member.indexOf(':'));
        assertThat(other.raw.get(other.keys.notification(id))).startsWith("{\"v\":2,\"t\":");
      }
    }
  }
}
