package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.RedisTestSupport;
import dev.herald.testing.ReplyLosingProxy;
import dev.herald.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * {@code herald submit} and {@code herald cancel} when the reply to the script never comes back (a
 * proxy that loses it, in front of a private Redis, which still runs the script): the outcome is
 * unknown, which has its own exit code and says how to find out, unlike "Redis unavailable: nothing
 * written".
 */
class LostReplyCliIT {

  private static final String NOTIFICATION =
      "{\"type\":\"game.turn_ready\",\"producer\":\"game-engine\",\"recipients\":[\"u-1\"],"
          + "\"channels\":[\"push\"]}";

  private static RedisServerProcess redis;
  private static ReplyLosingProxy proxy;
  @TempDir Path dir;
  private String ns;
  private String config;

  @BeforeAll
  static void start() {
    redis = RedisServerProcess.start();
    proxy = ReplyLosingProxy.to(redis.port());
  }

  @AfterAll
  static void stop() {
    proxy.close();
    redis.close();
  }

  @BeforeEach
  void writeConfig() throws Exception {
    ns = TestRedis.namespace();
    Path file = dir.resolve("herald.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "redis:",
            "  url: " + proxy.url(),
            "  timeout: 300ms",
            "namespace: " + ns,
            "gateway:",
            "  stream: " + ns + ":gw",
            ""));
    config = file.toString();
  }

  @AfterEach
  void repairTheNetwork() {
    proxy.loseScriptReplies(false);
  }

  private String notificationsAccepted() {
    try (RedisClient raw = RedisTestSupport.raw(redis.url())) {
      return raw.hget(ns + ":stats", "notifications_accepted");
    }
  }

  @Test
  void a_submit_without_a_reply_exits_4_naming_the_id_and_how_to_check_it() throws Exception {
    proxy.loseScriptReplies(true);
    CliRun lost = CliRun.run(NOTIFICATION, "submit", "--config", config);
    CliRun json = CliRun.run(NOTIFICATION, "submit", "--json", "--config", config);
    proxy.loseScriptReplies(false);

    assertThat(lost.exitCode()).as(lost.err()).isEqualTo(ExitCodes.OUTCOME_UNKNOWN);
    assertThat(lost.out()).as("stdout lists accepted ids only").isEmpty();
    Matcher m =
        Pattern.compile("notification\\[0\\] outcome unknown: sent as ([0-9A-Z]{26}),")
            .matcher(lost.err());
    assertThat(m.find()).as(lost.err()).isTrue();
    String id = m.group(1);
    assertThat(lost.err())
        .contains("may have run")
        .contains("check with `herald routes show " + id + "` before submitting it again");

    assertThat(json.exitCode()).isEqualTo(ExitCodes.OUTCOME_UNKNOWN);
    JsonNode result = new ObjectMapper().readTree(json.out().lines().findFirst().orElseThrow());
    assertThat(result.get("outcome").asText()).isEqualTo("unknown");
    assertThat(result.get("notification_id").asText()).hasSize(26);

    // Redis ran them: the check the message names finds the notification, each stored once
    // though each was sent three times. Submitting it again blindly would have made a second.
    CliRun show = CliRun.run("", "routes", "show", "--config", config, id);
    assertThat(show.exitCode()).as(show.err()).isZero();
    assertThat(show.out()).contains("notification " + id).contains("push:u-1  pending");
    assertThat(notificationsAccepted()).isEqualTo("2");
  }

  @Test
  void a_cancel_without_a_reply_exits_4_and_running_it_again_is_harmless() {
    CliRun submit = CliRun.run(NOTIFICATION, "submit", "--config", config);
    assertThat(submit.exitCode()).as(submit.err()).isZero();
    String id = submit.out().trim();

    proxy.loseScriptReplies(true);
    CliRun lost = CliRun.run("", "cancel", "--config", config, id);
    proxy.loseScriptReplies(false);

    assertThat(lost.exitCode()).as(lost.err()).isEqualTo(ExitCodes.OUTCOME_UNKNOWN);
    assertThat(lost.err())
        .contains("may have run")
        .contains("cancelling twice is harmless: run the same command again");
    CliRun again = CliRun.run("", "cancel", "--config", config, id);
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.out())
        .isEqualTo(id + ": 0 route(s) cancelled, 0 already published (nothing left to cancel)\n");
    assertThat(CliRun.run("", "routes", "show", "--config", config, id).out())
        .contains("push:u-1  cancelled");
  }
}
