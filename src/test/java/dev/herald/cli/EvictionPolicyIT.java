package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.testing.HeraldProcess;
import dev.herald.testing.Http;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.Scrape;
import dev.herald.testing.Secrets;
import dev.herald.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A Redis whose maxmemory-policy may evict Herald's keys is never silent: allkeys-* stops {@code
 * herald run}; volatile-* (idempotency keys expire) is logged and shown by /readyz, /metrics and
 * {@code herald stats}; where CONFIG GET is refused the policy is read from INFO memory, and where
 * neither answers Herald says it cannot tell.
 */
class EvictionPolicyIT {

  private static final String PASSWORD = Secrets.REDIS_PASSWORD;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static String yaml(String url) {
    return String.join(
        "\n",
        "redis:",
        "  url: " + url,
        "namespace: " + TestRedis.namespace(),
        "publisher:",
        "  poll-interval: 100ms",
        "ops:",
        "  listen: 127.0.0.1:0",
        "api:", // fixed default ports: another Herald on this machine may hold them
        "  listen: 'off'",
        "console:",
        "  listen: 'off'",
        "");
  }

  private Path write(String name, String yaml) throws Exception {
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private static JsonNode statsJson(Path config) throws Exception {
    CliRun stats = CliRun.run("", "stats", "--json", "--config", config.toString());
    assertThat(stats.exitCode()).as(stats.err()).isZero();
    return JSON.readTree(stats.out()).get("redis");
  }

  @Test
  void an_allkeys_policy_stops_run_with_exit_78_naming_the_policy_and_the_fix() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start("--maxmemory-policy", "allkeys-lru")) {
      Path file = write("allkeys", yaml(redis.url()).replace("127.0.0.1:0", "'off'"));
      HeraldProcess herald =
          HeraldProcess.start(dir.resolve("allkeys.log"), "run", "--config", file.toString());
      try {
        int exit = herald.waitForExit(30);
        assertThat(exit).as(herald.log()).isEqualTo(ExitCodes.CONFIG);
        assertThat(herald.log())
            .contains("Redis's maxmemory-policy is allkeys-lru: at maxmemory Redis evicts any key")
            .contains("Set it to noeviction: CONFIG SET maxmemory-policy noeviction")
            .doesNotContain("publisher started");
      } finally {
        herald.close();
      }
    }
  }

  @Test
  void a_volatile_policy_is_logged_and_shown_by_readyz_metrics_and_stats() throws Exception {
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    Logger watchLog = (Logger) LoggerFactory.getLogger("dev.herald.daemon.ServerWatch");
    log.start();
    watchLog.addAppender(log);
    try (RedisServerProcess redis = RedisServerProcess.start("--maxmemory-policy", "volatile-lru");
        RunningDaemon d = RunningDaemon.start(dir, yaml(redis.url()))) {
      String warning = "Redis's maxmemory-policy is volatile-lru: at maxmemory Redis evicts keys";
      assertThat(log.list)
          .anySatisfy(
              e -> {
                assertThat(e.getLevel()).isEqualTo(Level.WARN);
                assertThat(e.getFormattedMessage())
                    .contains(warning)
                    .contains("idempotency keys")
                    .contains("(read with CONFIG GET)");
              });
      Http.Answer ready = Http.get(d.baseUrl() + "/readyz");
      assertThat(ready.status()).isEqualTo(200);
      assertThat(ready.body()).startsWith("ready: ").contains("; warning: " + warning);
      Scrape m = Scrape.parse(Http.get(d.baseUrl() + "/metrics").body());
      assertThat(m.value("herald_redis_eviction_risk", "policy", "volatile-lru")).isEqualTo(1);

      Path file = write("stats", yaml(redis.url()));
      CliRun text = CliRun.run("", "stats", "--config", file.toString());
      assertThat(text.out())
          .containsPattern("maxmemory-policy +volatile-lru +read with CONFIG GET")
          .contains("WARNING: Redis's maxmemory-policy is volatile-lru: at maxmemory Redis evicts");
      // Off a terminal the warning is one whole line, for grep.
      assertThat(text.out())
          .containsPattern("  WARNING: " + warning)
          .doesNotContainPattern("WARNING: .*\\n {4}\\S");
      JsonNode json = statsJson(file);
      assertThat(json.get("maxmemory_policy").asText()).isEqualTo("volatile-lru");
      assertThat(json.get("eviction_risk").asText()).isEqualTo("expiring_keys");
      assertThat(json.get("eviction_warning").asText()).startsWith(warning);
      assertThat(Math.abs(json.get("clock_offset_seconds").asDouble())).isLessThan(1.0);
      assertThat(d.stop()).isZero();
    } finally {
      watchLog.detachAppender(log);
    }
  }

  @Test
  void without_config_get_the_policy_comes_from_info_memory_and_without_both_it_is_unknown()
      throws Exception {
    try (RedisServerProcess redis =
        RedisServerProcess.start(
            "--maxmemory-policy",
            "volatile-ttl",
            "--user",
            "noconfig",
            "on",
            ">" + PASSWORD,
            "~*",
            "&*",
            "+@all",
            "-config",
            "--user",
            "blind",
            "on",
            ">" + PASSWORD,
            "~*",
            "&*",
            "+@all",
            "-config",
            "-info")) {
      String at = "@127.0.0.1:" + redis.port();
      JsonNode fromInfo = statsJson(write("noconfig", yaml("redis://noconfig:" + PASSWORD + at)));
      assertThat(fromInfo.get("maxmemory_policy").asText()).isEqualTo("volatile-ttl");
      assertThat(fromInfo.get("maxmemory_policy_source").asText()).isEqualTo("INFO memory");
      assertThat(fromInfo.get("eviction_risk").asText()).isEqualTo("expiring_keys");

      String blind = yaml("redis://blind:" + PASSWORD + at);
      JsonNode unknown = statsJson(write("blind", blind));
      assertThat(unknown.get("maxmemory_policy").isNull()).isTrue();
      assertThat(unknown.get("eviction_risk").asText()).isEqualTo("unknown");
      assertThat(unknown.get("eviction_warning").asText())
          .startsWith("cannot tell Redis's maxmemory-policy (CONFIG GET refused: NOPERM")
          .contains("INFO memory refused: NOPERM")
          .contains("make sure it is noeviction");

      // herald run starts all the same, and keeps saying it cannot tell.
      try (RunningDaemon d = RunningDaemon.start(dir, blind)) {
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> Http.get(d.baseUrl() + "/readyz").status() == 200);
        assertThat(Http.get(d.baseUrl() + "/readyz").body())
            .contains("; warning: cannot tell Redis's maxmemory-policy");
        Scrape m = Scrape.parse(Http.get(d.baseUrl() + "/metrics").body());
        assertThat(m.value("herald_redis_eviction_risk", "policy", "unknown")).isEqualTo(-1);
        assertThat(d.stop()).isZero();
      }
    }
  }
}
