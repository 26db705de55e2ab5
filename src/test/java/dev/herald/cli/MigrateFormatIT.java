package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.domain.Shards;
import dev.herald.store.ClaimRequest;
import dev.herald.store.redis.RedisKeys;
import dev.herald.testing.Harness;
import dev.herald.testing.TestRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code herald migrate} and the target's stored format ({@code <target ns>:format}): a target that
 * decided on format 2 gets each untouched format 3 notification with the route hash format 2
 * writes, which its processes read, and keeps its decision; one at format 3 gets the routes a
 * format 4 claim published inline (one packed field per group) as a state field per route; a target
 * with none takes the source's format 4, and the records move alone.
 */
class MigrateFormatIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private record Moved(Harness h, MigrateIT.Configs configs, List<String> ids) {}

  /** Two format 3 notifications (no route hash) in a one-Redis source, a 4-shard target beside. */
  private Moved plant(Harness h) {
    String from = h.writeConfig(dir.resolve("old")).toString();
    String to = h.writeConfig(dir.resolve("new"), "shards: 4").toString();
    List<String> ids = new ArrayList<>();
    ids.add(h.submit(Harness.notification("u-1", "u-2").build()).get(0));
    ids.add(
        h.submit(Harness.notification("u-3").expiresAt(h.time.instant().plusSeconds(3600)).build())
            .get(0));
    ids.forEach(id -> assertThat(h.raw.exists(h.keys.routes(id))).isFalse());
    return new Moved(h, new MigrateIT.Configs(from, to), ids);
  }

  private static RedisKeys shardOf(Harness h, String id) {
    return RedisKeys.ofShards(h.namespace, 4).get(new Shards(4).ofId(id));
  }

  @Test
  void into_a_target_at_format_2_an_untouched_format_3_notification_gets_its_route_hash()
      throws Exception {
    try (Harness h = Harness.realTime(TestRedis.url())) {
      Moved m = plant(h);
      String gate = RedisKeys.ofShards(h.namespace, 4).get(0).storedFormat();
      h.raw.set(gate, "2"); // processes that read stored format 2 at most ran on the target

      CliRun dry = MigrateIT.migrate(m.configs(), "--dry-run");
      assertThat(dry.exitCode()).as(dry.err() + dry.out()).isZero();
      assertThat(dry.out()).contains("note: 2 notification(s) stored in format 3");

      CliRun run = MigrateIT.migrate(m.configs(), "--json");
      assertThat(run.exitCode()).as(run.err() + run.out()).isZero();
      JsonNode report = JSON.readTree(run.out());
      assertThat(report.get("notes").toString())
          .contains("2 notification(s) stored in format 3")
          .contains("given the route hash stored format 2 writes");
      for (String id : m.ids()) {
        RedisKeys k = shardOf(h, id);
        assertThat(h.raw.get(k.notification(id))).startsWith("{\"v\":2,\"t\":");
        Map<String, String> hash = h.raw.hgetAll(k.routes(id));
        assertThat(hash).containsKeys("open", "type", "due", "n").doesNotContainKey("0");
        assertThat(hash.get("open")).isEqualTo(hash.get("n"));
        CliRun show = CliRun.run("", "routes", "show", "--json", "--config", m.configs().to(), id);
        assertThat(show.exitCode()).as(show.err()).isZero();
        assertThat(JSON.readTree(show.out()).get("routes").get(0).get("status").asText())
            .isEqualTo("pending");
      }
      assertThat(h.raw.hget(shardOf(h, m.ids().get(1)).routes(m.ids().get(1)), "exp")).isNotNull();
      assertThat(h.raw.get(gate)).as("the target keeps its decision").isEqualTo("2");
    }
  }

  @Test
  void into_a_target_with_no_decision_they_move_as_their_records_alone() throws Exception {
    try (Harness h = Harness.realTime(TestRedis.url())) {
      Moved m = plant(h);
      CliRun run = MigrateIT.migrate(m.configs(), "--json");
      assertThat(run.exitCode()).as(run.err() + run.out()).isZero();
      assertThat(JSON.readTree(run.out()).get("notes").toString()).doesNotContain("format 3");
      for (String id : m.ids()) {
        assertThat(h.raw.exists(shardOf(h, id).notification(id))).isTrue();
        assertThat(h.raw.exists(shardOf(h, id).routes(id))).isFalse();
      }
      assertThat(h.raw.get(RedisKeys.ofShards(h.namespace, 4).get(0).storedFormat()))
          .isEqualTo("4");
    }
  }

  @Test
  void into_a_target_at_format_3_routes_published_inline_get_a_state_field_each() throws Exception {
    try (Harness h = Harness.realTime(TestRedis.url())) {
      Moved m = plant(h);
      h.backend
          .routes()
          .claimDue(
              ClaimRequest.of(h.time.instant(), Duration.ofSeconds(30), "w.1", 10)
                  .withInline(List.copyOf(h.channels.all())));
      assertThat(h.streamEntries()).hasSize(3);
      String first = m.ids().get(0);
      // Its own entries, in route order: the claim takes the notifications in schedule order,
      // which need not be the order they were planted in.
      List<String> entries =
          h.streamEntries().stream()
              .filter(e -> first.equals(e.getFields().get("notification_id")))
              .map(e -> e.getID().toString())
              .toList();
      assertThat(entries).hasSize(2);
      assertThat(h.raw.hget(h.keys.routes(first), "P0")).as("stored format 4").isNotNull();
      String gate = RedisKeys.ofShards(h.namespace, 4).get(0).storedFormat();
      h.raw.set(gate, "3"); // processes that read stored format 3 at most ran on the target

      CliRun run = MigrateIT.migrate(m.configs(), "--json");
      assertThat(run.exitCode()).as(run.err() + run.out()).isZero();
      assertThat(JSON.readTree(run.out()).get("notes").toString())
          .contains("2 notification(s) stored in format 4")
          .contains("given a state field per route");
      Map<String, String> hash = h.raw.hgetAll(shardOf(h, first).routes(first));
      assertThat(hash).doesNotContainKey("P0");
      assertThat(hash.get("0")).startsWith("s|1|").endsWith("|" + entries.get(0));
      assertThat(hash.get("1")).startsWith("s|1|").endsWith("|" + entries.get(1));
      CliRun show = CliRun.run("", "routes", "show", "--json", "--config", m.configs().to(), first);
      assertThat(show.exitCode()).as(show.err()).isZero();
      JsonNode route = JSON.readTree(show.out()).get("routes").get(1);
      assertThat(route.get("status").asText()).isEqualTo("published");
      assertThat(route.get("stream_entry_id").asText()).isEqualTo(entries.get(1));
      assertThat(h.raw.get(gate)).as("the target keeps its decision").isEqualTo("3");
    }
  }
}
