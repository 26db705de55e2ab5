package dev.herald.cli;

import static dev.herald.testing.Harness.notification;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.domain.RouteState;
import dev.herald.store.RouteRecord;
import dev.herald.testing.DeadLetterPlanting;
import dev.herald.testing.Harness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLettersCliIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final Harness h = new Harness();
  private final DeadLetterPlanting plant = new DeadLetterPlanting(h);
  private String config;

  // Planted 60, 50 and 40 minutes ago, so that relative times select them as well.
  private Instant t0;
  private String game1;
  private String chat;
  private String game2;

  @BeforeEach
  void plant() throws Exception {
    config = h.writeConfig(dir).toString();
    t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(60));
    h.clock.set(t0);
    game1 = plant.streamDown(notification("u-1", "u-2")).get(0);
    h.clock.advance(Duration.ofMinutes(10));
    chat =
        plant
            .streamDown(
                notification("u-3").type("chat.message").producer("chat").idempotencyKey("m-1"))
            .get(0);
    h.clock.advance(Duration.ofMinutes(10));
    game2 = plant.unencodable(notification("u-4")).get(0);
  }

  @AfterEach
  void close() {
    h.close();
  }

  private CliRun cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--config");
    all.add(config);
    return CliRun.run("", all.toArray(String[]::new));
  }

  private CliRun cliWithInput(String stdin, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--config");
    all.add(config);
    return CliRun.run(stdin, all.toArray(String[]::new));
  }

  private Set<String> listed(String... filters) throws Exception {
    List<String> args = new ArrayList<>(List.of("dead-letters", "list", "--json", "--limit", "0"));
    args.addAll(List.of(filters));
    CliRun run = cli(args.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.err()).isZero();
    Set<String> routes = new TreeSet<>();
    for (String line : run.out().lines().toList()) {
      routes.add(JSON.readTree(line).get("route").asText());
    }
    return routes;
  }

  private long dryRunMatched(String action, String... filters) throws Exception {
    List<String> args = new ArrayList<>(List.of("dead-letters", action, "--dry-run", "--json"));
    args.addAll(List.of(filters));
    CliRun run = cli(args.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.err()).isZero();
    return JSON.readTree(run.out()).get("matched").asLong();
  }

  private Map<String[], Set<String>> filterCases() {
    String g1a = game1 + "/push:u-1";
    String g1b = game1 + "/push:u-2";
    String c = chat + "/push:u-3";
    String g2 = game2 + "/push:u-4";
    String iso = t0.plus(Duration.ofMinutes(5)).toString();
    String iso2 = t0.plus(Duration.ofMinutes(15)).toString();
    Map<String[], Set<String>> cases = new LinkedHashMap<>();
    cases.put(new String[] {"--type", "chat.message"}, Set.of(c));
    cases.put(
        new String[] {"--type", "chat.message", "--type", "game.turn_ready"},
        Set.of(g1a, g1b, c, g2));
    cases.put(new String[] {"--producer", "game-engine"}, Set.of(g1a, g1b, g2));
    cases.put(new String[] {"--channel", "push"}, Set.of(g1a, g1b, c, g2));
    cases.put(new String[] {"--channel", "email"}, Set.of());
    cases.put(new String[] {"--classification", "payload_encoding_failed"}, Set.of(g2));
    cases.put(
        new String[] {"--classification", "gateway_stream_publish_failed"}, Set.of(g1a, g1b, c));
    cases.put(new String[] {"--since", iso}, Set.of(c, g2));
    cases.put(new String[] {"--until", iso2}, Set.of(g1a, g1b, c));
    cases.put(new String[] {"--since", iso, "--until", iso2}, Set.of(c));
    cases.put(new String[] {"--since", "55m"}, Set.of(c, g2)); // relative: ago
    cases.put(new String[] {"--until", "45m"}, Set.of(g1a, g1b, c));
    cases.put(new String[] {"--notification", game1}, Set.of(g1a, g1b));
    cases.put(new String[] {"--notification", game1, "--notification", chat}, Set.of(g1a, g1b, c));
    cases.put(
        new String[] {
          "--type", "game.turn_ready", "--classification", "gateway_stream_publish_failed"
        },
        Set.of(g1a, g1b));
    return cases;
  }

  @Test
  void each_filter_selects_exactly_its_dead_letters_for_list_requeue_and_purge() throws Exception {
    assertThat(listed()).hasSize(4);
    for (Map.Entry<String[], Set<String>> c : filterCases().entrySet()) {
      String what = String.join(" ", c.getKey());
      assertThat(listed(c.getKey())).as(what).isEqualTo(new TreeSet<>(c.getValue()));
      assertThat(dryRunMatched("requeue", c.getKey()))
          .as("requeue " + what)
          .isEqualTo(c.getValue().size());
      assertThat(dryRunMatched("purge", c.getKey()))
          .as("purge " + what)
          .isEqualTo(c.getValue().size());
    }
    assertThat(dryRunMatched("purge", "--older-than", "45m")).isEqualTo(3);
  }

  @Test
  void a_filtered_requeue_puts_back_exactly_what_it_matched_and_each_is_published_once()
      throws Exception {
    CliRun run =
        cli(
            "dead-letters",
            "requeue",
            "--producer",
            "game-engine",
            "--classification",
            "gateway_stream_publish_failed");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains(
            "requeue: matched 2, requeued 2, skipped 0 (not dead letters any more), errors 0");
    assertThat(listed()).containsExactlyInAnyOrder(chat + "/push:u-3", game2 + "/push:u-4");

    CliRun again =
        cli(
            "dead-letters",
            "requeue",
            "--producer",
            "game-engine",
            "--classification",
            "gateway_stream_publish_failed",
            "--json");
    assertThat(JSON.readTree(again.out()).get("matched").asLong()).isZero();

    h.clock.set(Instant.now().plusSeconds(1));
    h.drain(h.cycle("w", Harness.settings(100, 5)));
    assertThat(h.streamFields())
        .extracting(f -> f.get("route_id"))
        .containsExactlyInAnyOrder("push:u-1", "push:u-2");
  }

  /** Every key of the namespace with its serialized value. */
  private Map<String, String> everything() {
    Map<String, String> all = new TreeMap<>();
    for (String key : h.raw.keys(h.namespace + ":*")) {
      byte[] dump = h.raw.dump(key);
      all.put(key, java.util.Base64.getEncoder().encodeToString(dump));
    }
    return all;
  }

  @Test
  void a_dry_run_prints_what_would_change_and_changes_nothing() {
    Map<String, String> before = everything();
    CliRun requeue = cli("dead-letters", "requeue", "--all", "--dry-run");
    assertThat(requeue.exitCode()).as(requeue.err()).isZero();
    assertThat(requeue.out())
        .contains(game1 + "/push:u-1")
        .contains(game2 + "/push:u-4")
        .contains(
            "dry run: would requeue 4 dead letter(s); nothing was changed\n  selection: all dead letters");
    CliRun purge = cli("dead-letters", "purge", "--type", "chat.message", "--dry-run");
    assertThat(purge.out())
        .contains(chat + "/push:u-3")
        .contains("dry run: would purge 1 dead letter(s); nothing was changed")
        .contains("  selection: type chat.message");
    assertThat(purge.err()).doesNotContain("Type 'yes'");
    assertThat(everything()).isEqualTo(before);
  }

  @Test
  void named_routes_are_requeued_and_the_summary_counts_skipped_and_unknown_ones() {
    CliRun run =
        cli(
            "dead-letters",
            "requeue",
            game1 + "/push:u-1",
            game1 + "/push:u-1",
            game1 + "/push:nobody",
            "--keep-attempts");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.PARTIAL);
    assertThat(run.out())
        .contains("requeue: matched 3, requeued 1, skipped 1 (not dead letters any more), errors 1")
        .contains(game1 + "/push:nobody: no such route");
    RouteRecord r = h.backend.notifications().find(game1).orElseThrow().routes().get(0);
    assertThat(r.state()).isEqualTo(RouteState.FAILED);
    assertThat(r.attempts()).isEqualTo(1);

    CliRun twice = cli("dead-letters", "requeue", game1 + "/push:u-1");
    assertThat(twice.exitCode()).isZero();
    assertThat(twice.out())
        .contains("requeued 0, skipped 1")
        .contains(game1 + "/push:u-1: not a dead letter (it is failed)");

    assertThat(cli("dead-letters", "requeue", "nonsense").exitCode())
        .isEqualTo(ExitCodes.BAD_INPUT);
  }

  @Test
  void requeue_needs_a_selection_and_takes_either_names_or_filters() {
    CliRun none = cli("dead-letters", "requeue");
    assertThat(none.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(none.err()).contains("say which dead letters: ROUTE_REFs, filters");
    assertThat(cli("dead-letters", "requeue", "--all", "--type", "x").exitCode())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(cli("dead-letters", "requeue", game1 + "/push:u-1", "--type", "x").exitCode())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(
            cli("dead-letters", "requeue", "--all", "--keep-attempts", "--reset-attempts")
                .exitCode())
        .isEqualTo(ExitCodes.USAGE);
    CliRun badTime = cli("dead-letters", "list", "--since", "yesterday");
    assertThat(badTime.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badTime.err()).contains("'yesterday' is not an ISO-8601 time");
    CliRun badClass = cli("dead-letters", "list", "--classification", "timeout");
    assertThat(badClass.err()).contains("unknown classification 'timeout' (known: ");
    assertThat(cli("dead-letters").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(everything()).containsKey(h.keys.deadLetters());
    assertThat(h.raw.zcard(h.keys.deadLetters())).isEqualTo(4);
  }

  @Test
  void requeue_at_and_spread_set_the_due_times_and_rate_bounds_the_speed() throws Exception {
    Instant at = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
    CliRun run =
        cli(
            "dead-letters",
            "requeue",
            "--all",
            "--at",
            at.toString(),
            "--spread",
            "10m",
            "--rate",
            "8",
            "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode summary = JSON.readTree(run.out());
    assertThat(summary.get("requeued").asLong()).isEqualTo(4);
    // 8 per second in steps of 2: the second pair waits until 0.25s after the first.
    assertThat(summary.get("seconds").asDouble()).isGreaterThanOrEqualTo(0.25);
    // Not on a terminal: plain progress lines, the first at once, then one every 5 seconds.
    assertThat(run.err())
        .containsPattern("requeue: 2 requeued, 0 skipped, 0 errors [|] scanned 2 of 4 [(]50%[)]");

    List<Instant> due = new ArrayList<>();
    for (String id : List.of(game1, chat, game2)) {
      for (RouteRecord r : h.backend.notifications().find(id).orElseThrow().routes()) {
        assertThat(r.state()).isEqualTo(RouteState.PENDING);
        due.add(r.nextAttemptAt());
      }
    }
    assertThat(due).allSatisfy(t -> assertThat(t).isBetween(at, at.plus(Duration.ofMinutes(10))));
    assertThat(new TreeSet<>(due)).hasSizeGreaterThan(1);
    assertThat(h.raw.zrangeWithScores(h.keys.schedule(), 0, -1))
        .allSatisfy(e -> assertThat(e.getScore()).isGreaterThanOrEqualTo(at.toEpochMilli()));
  }

  @Test
  void purge_asks_first_unless_told_yes_and_counts_what_it_purged() throws Exception {
    CliRun declined = cliWithInput("no\n", "dead-letters", "purge", "--type", "game.turn_ready");
    assertThat(declined.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(declined.err())
        .contains(
            "Purge 3 dead letter(s) (type game.turn_ready)? Purged routes can no longer be requeued.")
        .contains("not confirmed; nothing was purged");
    assertThat(h.raw.zcard(h.keys.deadLetters())).isEqualTo(4);

    CliRun confirmed = cliWithInput("yes\n", "dead-letters", "purge", "--type", "game.turn_ready");
    assertThat(confirmed.exitCode()).as(confirmed.err()).isZero();
    assertThat(confirmed.out()).contains("purge: matched 3, purged 3");

    CliRun yes = cli("dead-letters", "purge", "--older-than", "45m", "--yes", "--json");
    assertThat(JSON.readTree(yes.out()).get("purged").asLong()).isEqualTo(1);
    assertThat(h.raw.zcard(h.keys.deadLetters())).isZero();
    assertThat(h.backend.notifications().find(chat).orElseThrow().routes().get(0).state())
        .isEqualTo(RouteState.PURGED);

    CliRun stats = cli("stats", "--json");
    JsonNode root = JSON.readTree(stats.out());
    assertThat(root.get("totals").get("purged").asLong()).isEqualTo(4);
    assertThat(root.get("routes").get("dead_letter").asLong()).isZero();
  }

  @Test
  void list_prints_a_table_within_100_columns_newest_first_and_says_when_more_match() {
    CliRun run = cli("dead-letters", "list", "--limit", "3");
    assertThat(run.exitCode()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines.get(0))
        .startsWith("DEAD SINCE")
        .contains("ROUTE", "TYPE", "PRODUCER", "ATTEMPTS");
    assertThat(lines.get(1)).contains(game2 + "/push:u-4", "game.turn_ready", "game-engine", "1/1");
    assertThat(lines.get(2))
        .startsWith("    payload_encoding_failed: channel 'push' is not configured");
    assertThat(lines.get(3)).contains(chat + "/push:u-3", "chat.message", "chat");
    assertThat(lines.get(4)).startsWith("    gateway_stream_publish_failed: WRONGTYPE");
    assertThat(lines).hasSize(7);
    assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(100));
    assertThat(run.err()).contains("showing the newest 3; more match");

    CliRun none = cli("dead-letters", "list", "--type", "nothing.like.it");
    assertThat(none.exitCode()).isZero();
    assertThat(none.out()).isEmpty();
    assertThat(none.err()).contains("no dead letters match (type nothing.like.it)");
  }

  @Test
  void list_json_lines_carry_the_documented_fields() throws Exception {
    CliRun run = cli("dead-letters", "list", "--json", "--type", "chat.message");
    JsonNode d = JSON.readTree(run.out().lines().findFirst().orElseThrow());
    List<String> fields = new ArrayList<>();
    d.fieldNames().forEachRemaining(fields::add);
    assertThat(fields)
        .containsExactly(
            "route",
            "notification_id",
            "route_id",
            "type",
            "producer",
            "attempts",
            "max_attempts",
            "classification",
            "last_error",
            "last_error_at",
            "dead_since",
            "notification_error");
    assertThat(d.get("route").asText()).isEqualTo(chat + "/push:u-3");
    assertThat(d.get("max_attempts").asInt()).isEqualTo(1);
    assertThat(d.get("classification").asText()).isEqualTo("gateway_stream_publish_failed");
    assertThat(d.get("dead_since").asText()).isEqualTo(t0.plus(Duration.ofMinutes(10)).toString());
    assertThat(d.get("notification_error").isNull()).isTrue();
  }

  @Test
  void show_prints_the_route_its_notification_and_every_failed_attempt() throws Exception {
    CliRun text = cli("dead-letters", "show", chat + "/push:u-3");
    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.out())
        .contains("route " + chat + "/push:u-3")
        .contains("status dead_letter, attempts 1 of 1")
        .contains("dead since " + Times.table(t0.plus(Duration.ofMinutes(10))))
        .contains("type chat.message, producer chat")
        .contains("idempotency key m-1")
        .contains("payload {\"turn\":42}")
        .contains("attempt 1 at")
        .contains("WRONGTYPE Operation against a key holding the wrong kind of value")
        .contains("requeue it:  herald dead-letters requeue " + chat + "/push:u-3");
    assertThat(text.out().lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(100));

    JsonNode json = JSON.readTree(cli("dead-letters", "show", "--json", chat + "/push:u-3").out());
    assertThat(json.get("status").asText()).isEqualTo("dead_letter");
    assertThat(json.get("failures")).hasSize(1);
    assertThat(json.get("failures").get(0).get("classification").asText())
        .isEqualTo("gateway_stream_publish_failed");
    assertThat(json.get("notification").get("payload").get("turn").asInt()).isEqualTo(42);

    cli("dead-letters", "requeue", chat + "/push:u-3");
    JsonNode requeued =
        JSON.readTree(cli("dead-letters", "show", "--json", chat + "/push:u-3").out());
    assertThat(requeued.get("status").asText()).isEqualTo("pending");
    assertThat(requeued.get("dead_since").isNull()).isTrue();
    assertThat(requeued.get("next_attempt_at").isNull()).isFalse();

    assertThat(cli("dead-letters", "show", chat + "/push:nobody").exitCode())
        .isEqualTo(ExitCodes.FAILURE);
    assertThat(cli("dead-letters", "show", "not-a-ref").exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
  }

  @Test
  void stats_shows_routes_by_status_dead_letters_by_classification_and_figures_by_type()
      throws Exception {
    h.submit(notification("u-9").sendAt(h.clock.instant().plusSeconds(3600 * 5)).build());
    CliRun text = cli("stats", "--by-type");
    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.out())
        .containsPattern("pending +1 ")
        .containsPattern("dead_letter +4 ")
        .containsPattern("gateway_stream_publish_failed +3")
        .containsPattern("payload_encoding_failed +1")
        .containsPattern("groups +1 ")
        .containsPattern(h.stream + " +0 ")
        .containsPattern("game.turn_ready +1 +0 +3 +4 ")
        .containsPattern("chat.message +0 +0 +1 +1 ")
        .containsPattern("chat.message +gateway_stream_publish_failed +1");
    assertThat(text.out().lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(100));

    JsonNode json = JSON.readTree(cli("stats", "--json", "--by-type").out());
    assertThat(json.get("routes").get("pending").asLong()).isEqualTo(1);
    assertThat(json.get("routes").get("dead_letter").asLong()).isEqualTo(4);
    assertThat(json.get("schedule").get("groups").asLong()).isEqualTo(1);
    assertThat(json.get("schedule").get("due_now").asLong()).isZero();
    assertThat(
            json.get("dead_letters")
                .get("by_classification")
                .get("payload_encoding_failed")
                .asLong())
        .isEqualTo(1);
    assertThat(json.get("streams").get(h.stream).asLong()).isZero();
    assertThat(json.get("totals").get("dead_lettered").asLong()).isEqualTo(4);
    JsonNode game = json.get("by_type").get("game.turn_ready");
    assertThat(game.get("dead_letter").asLong()).isEqualTo(3);
    assertThat(game.get("accepted").asLong()).isEqualTo(4);
    assertThat(json.has("by_type")).isTrue();
    assertThat(JSON.readTree(cli("stats", "--json").out()).has("by_type")).isFalse();
  }

  @Test
  void a_dead_letter_whose_notification_is_unreadable_is_listed_by_index_and_can_be_purged()
      throws Exception {
    h.raw.set(h.keys.notification(chat), "{broken");
    JsonNode d = JSON.readTree(cli("dead-letters", "list", "--json", "--notification", chat).out());
    assertThat(d.get("route").asText()).isEqualTo(chat + "/#0");
    assertThat(d.get("notification_error").asText()).contains("not valid JSON");
    CliRun requeue = cli("dead-letters", "requeue", "--notification", chat);
    assertThat(requeue.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(requeue.out()).contains("errors 1").contains(chat + "/#0: notification record");
    CliRun purge = cli("dead-letters", "purge", "--notification", chat, "--yes");
    assertThat(purge.exitCode()).as(purge.err()).isZero();
    assertThat(purge.out()).contains("purged 1");
    assertThat(h.raw.hget(h.keys.routes(chat), "0")).startsWith("z|");
  }

  @Test
  void routes_show_finds_a_notification_by_its_idempotency_key() {
    CliRun run = cli("routes", "show", "--idempotency-key", "m-1", "--producer", "chat");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("notification " + chat).contains("push:u-3  dead_letter");
    CliRun other = cli("routes", "show", "--idempotency-key", "m-1", "--producer", "game-engine");
    assertThat(other.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(other.err())
        .contains("no notification for producer game-engine and idempotency key m-1")
        .contains("intake.idempotency-window, 1d");
    assertThat(cli("routes", "show", "--idempotency-key", "m-1").exitCode())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(
            cli("routes", "show", chat, "--idempotency-key", "m-1", "--producer", "chat")
                .exitCode())
        .isEqualTo(ExitCodes.USAGE);
  }
}
