package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.store.NotificationRecord;
import dev.herald.store.RouteRecord;
import dev.herald.testing.Harness;
import dev.herald.testing.HeraldProcess;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.Secrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real {@code herald run} JVMs on a Redis with a password: hot reload on SIGHUP, JSON logs, and the
 * password in none of their output.
 */
class DaemonProcessIT {

  private static final String PASSWORD = Secrets.REDIS_PASSWORD;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static String url(RedisServerProcess redis, String password) {
    return "redis://:" + password + "@127.0.0.1:" + redis.port();
  }

  /** The harness's config on {@code redisUrl} (its Redis, other credentials), the API off. */
  private static String config(String redisUrl, Harness h, String... more) {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "api:",
                "  listen: \'off\'",
                "console:",
                "  listen: \'off\'",
                "ops:",
                "  listen: 127.0.0.1:0"));
    lines.addAll(List.of(more));
    return h.configOn(redisUrl, lines.toArray(String[]::new));
  }

  /** The route's state once it has failed with a retry delay of {@code delay}. */
  private static Optional<RouteRecord> failedWithDelay(Harness h, String id, Duration delay) {
    NotificationRecord record = h.backend.notifications().find(id).orElseThrow();
    RouteRecord route = record.routes().get(0);
    if (route.lastFailure() == null || route.nextAttemptAt() == null) {
      return Optional.empty();
    }
    Duration actual = Duration.between(route.lastFailure().at(), route.nextAttemptAt());
    return actual.equals(delay) ? Optional.of(route) : Optional.empty();
  }

  @Test
  void sighup_applies_a_new_backoff_to_the_next_retry_and_a_bad_file_keeps_the_running_config()
      throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start("--requirepass", PASSWORD);
        Harness h = Harness.realTime(url(redis, PASSWORD))) {
      h.exhaustStream(); // every attempt fails, charged, and is retried
      Path file = dir.resolve("herald.yaml");
      Files.writeString(file, config(url(redis, PASSWORD), h, retryingEvery("300ms", 2)));
      HeraldProcess herald =
          HeraldProcess.start(dir.resolve("herald.log"), "run", "--config", file.toString());
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> herald.logged("publisher started"));
        String id = h.submit(Harness.notification("u-1").build()).get(0);
        // The 300 ms retries hold only until ten failures in a row open the stream's breaker
        // (then the route waits for the probe, a longer delay): poll often, so that a loaded
        // machine does not miss that window and wait out the breaker's cool-downs.
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> failedWithDelay(h, id, Duration.ofMillis(300)).isPresent());

        // A new backoff: the next failure of the same route is retried an hour later.
        Files.writeString(file, config(url(redis, PASSWORD), h, retryingEvery("1h", 2)));
        reload(herald, "reload applied: backoff.initial: 300ms -> 1h, backoff.max: 300ms -> 1h");
        // Up to 45 s: when the reload lands after ten failures in a row, the stream's circuit
        // breaker is open and the next attempt waits for its probe (cooldown up to 30 s). The
        // likeliest cause of a timeout seen once at 10 s in a loaded full run.
        RouteRecord route =
            await()
                .atMost(Duration.ofSeconds(45))
                .until(() -> failedWithDelay(h, id, Duration.ofHours(1)), Optional::isPresent)
                .orElseThrow();
        System.err.printf(
            "[herald tests] after SIGHUP: attempt %d of the route failed at %s, retry at %s%n",
            route.attempts(), route.lastFailure().at(), route.nextAttemptAt());

        // A bad file is refused whole, with the message a start would give.
        String bad = config(url(redis, PASSWORD), h, "publisher:", "  batch-size: 0");
        Files.writeString(file, bad);
        CliRun start = CliRun.run("", "run", "--config", file.toString());
        assertThat(start.exitCode()).isEqualTo(ExitCodes.CONFIG);
        String problem = start.err().strip().replaceFirst("^herald: ", "");
        assertThat(problem)
            .isEqualTo(
                "invalid configuration in "
                    + file
                    + ": publisher.batch-size must be between 1 and 10000 (was 0)");
        reload(herald, "reload refused, the running configuration stays: " + problem);

        // The running config stayed: the next reload is compared with it, not with the bad file.
        // Keys that need a restart are named and ignored; a new password is never shown.
        String other = "pw-other-never-logged";
        String[] more = concat(retryingEvery("1h", 3), "logging:", "  level: debug");
        Files.writeString(
            file,
            config(url(redis, other), h, more)
                .replace("namespace: " + h.namespace, "namespace: elsewhere"));
        reload(
            herald,
            "reload applied: publisher.workers: 2 -> 3, logging.level: (unset) -> debug",
            "reload ignored until a restart: redis.url: redis://:***@127.0.0.1:"
                + redis.port()
                + "/0 -> (credentials changed), namespace: "
                + h.namespace
                + " -> elsewhere",
            "now runs 3 worker(s)");
        assertThat(herald.terminate(20)).as("exit code on SIGTERM\n%s", herald.log()).isZero();
        assertThat(herald.log())
            .contains("\"url\":\"redis://:***@127.0.0.1:" + redis.port() + "/0\"")
            .doesNotContain(PASSWORD)
            .doesNotContain(other);
        assertThat(start.out() + start.err()).doesNotContain(PASSWORD);
      } finally {
        herald.close();
      }
    }
  }

  @Test
  void json_logs_are_one_object_per_line_with_the_route_ids_and_no_password() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start("--requirepass", PASSWORD);
        Harness h = Harness.realTime(url(redis, PASSWORD))) {
      h.exhaustStream(); // every attempt fails, charged
      Path file = dir.resolve("herald.yaml");
      Files.writeString(
          file,
          config(
              "redis://127.0.0.1:" + redis.port(),
              h,
              "publisher:",
              "  poll-interval: 100ms",
              "backoff:",
              "  initial: 100ms",
              "delivery:",
              "  max-attempts: 2",
              "logging:",
              "  format: json"));
      HeraldProcess herald =
          HeraldProcess.start(
              dir.resolve("herald.log"),
              Map.of("HERALD_REDIS_PASSWORD", PASSWORD),
              "run",
              "--config",
              file.toString());
      String id;
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> herald.logged("publisher started"));
        id = h.submit(Harness.notification("u-1").build()).get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> h.raw.zcard(h.keys.deadLetters()) == 1);
        assertThat(herald.terminate(20)).as("exit code on SIGTERM\n%s", herald.log()).isZero();
      } finally {
        herald.close();
      }
      String log = herald.log();
      assertThat(log).doesNotContain(PASSWORD);
      List<JsonNode> lines = new ArrayList<>();
      for (String line : log.split("\n")) {
        if (!line.isBlank()) {
          lines.add(JSON.readTree(line)); // throws, failing the test, on a line that is not JSON
        }
      }
      assertThat(lines).allSatisfy(l -> assertThat(l.isObject()).isTrue());
      assertThat(lines)
          .filteredOn(l -> l.path("message").asText().startsWith("starting herald"))
          .hasSize(1);
      JsonNode retry = withMdc(lines, "WARN", "1");
      JsonNode dead = withMdc(lines, "ERROR", "2");
      for (JsonNode line : List.of(retry, dead)) {
        // The MDC flattened to fields of their own, classification and stream among them.
        assertThat(line.path("notification").asText()).isEqualTo(id);
        assertThat(line.path("route").asText()).isEqualTo("push:u-1");
        assertThat(line.path("classification").asText()).isEqualTo("gateway_stream_publish_failed");
        assertThat(line.path("stream").asText()).isEqualTo(h.stream);
        assertThat(line.path("logger_name").asText()).isEqualTo("dev.herald.publish.PublishCycle");
        // ISO-8601, UTC, to the millisecond
        assertThat(line.path("@timestamp").asText())
            .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(Instant.parse(line.path("@timestamp").asText())).isBefore(Instant.now());
      }
      System.err.println("[herald tests] a JSON log line: " + dead);
      assertThat(fieldNames(readmeSample()))
          .as("the README's sample has the fields of a real line, in its order")
          .isEqualTo(fieldNames(dead));
    }
  }

  /** The JSON log line the README's "Logs" section shows. */
  private static JsonNode readmeSample() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    String logs = readme.substring(readme.indexOf("### Logs"));
    String sample = logs.substring(logs.indexOf("```json\n") + 8);
    return JSON.readTree(sample.substring(0, sample.indexOf("\n```")));
  }

  private static List<String> fieldNames(JsonNode line) {
    List<String> names = new ArrayList<>();
    line.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static JsonNode withMdc(List<JsonNode> lines, String level, String attempt) {
    return lines.stream()
        .filter(l -> level.equals(l.path("level").asText()))
        .filter(l -> attempt.equals(l.path("attempt").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + level + " line of attempt " + attempt));
  }

  /** Sends SIGHUP and waits until the process has logged each of {@code lines}. */
  private static void reload(HeraldProcess herald, String... lines) {
    herald.hangUp();
    await().atMost(Duration.ofSeconds(30)).until(() -> Stream.of(lines).allMatch(herald::logged));
  }

  /** Config lines: {@code workers} workers, and a failed attempt retried after {@code delay}. */
  private static String[] retryingEvery(String delay, int workers) {
    return new String[] {
      "publisher:",
      "  workers: " + workers,
      "  poll-interval: 100ms",
      "delivery:",
      "  max-attempts: 1000",
      "backoff:",
      "  initial: " + delay,
      "  max: " + delay,
      "  multiplier: 1.0",
      "  jitter: none"
    };
  }

  private static String[] concat(String[] head, String... tail) {
    List<String> all = new ArrayList<>(List.of(head));
    all.addAll(List.of(tail));
    return all.toArray(String[]::new);
  }
}
