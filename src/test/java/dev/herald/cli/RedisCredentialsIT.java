package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.testing.HeraldProcess;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.Secrets;
import dev.herald.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials Redis refuses are a configuration problem (exit 78, which systemd does not restart),
 * for {@code herald run} and for the CLI; a Redis that is not up yet is waited for.
 */
class RedisCredentialsIT {

  private static final String PASSWORD = Secrets.REDIS_PASSWORD;

  @TempDir Path dir;

  private Path config(String name, String url) throws Exception {
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "redis:",
            "  url: " + url,
            "  timeout: 1s",
            "namespace: " + TestRedis.namespace(),
            "ops:",
            "  listen: 'off'",
            ""));
    return file;
  }

  private HeraldProcess run(String name, Path config) {
    return HeraldProcess.start(dir.resolve(name + ".log"), "run", "--config", config.toString());
  }

  @Test
  void run_without_the_password_or_with_a_wrong_one_stops_with_exit_78_naming_authentication()
      throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start("--requirepass", PASSWORD)) {
      String at = "127.0.0.1:" + redis.port();
      for (String[] c :
          new String[][] {
            {"none", "redis://" + at, "NOAUTH"},
            {"wrong", "redis://:not-the-password@" + at, "WRONGPASS"}
          }) {
        HeraldProcess herald = run(c[0], config(c[0], c[1]));
        try {
          int exit = herald.waitForExit(30);
          String log = herald.log();
          assertThat(exit).as("exit code with password %s\n%s", c[0], log).isEqualTo(78);
          assertThat(log)
              .contains("Redis refused access: " + c[2])
              .contains("hint: check the user and password in redis.url (or HERALD_REDIS_PASSWORD)")
              .doesNotContain("Broken pipe")
              .doesNotContain("; retrying. Hint")
              .doesNotContain(PASSWORD);
        } finally {
          herald.close();
        }
      }
    }
  }

  @Test
  void an_acl_user_that_may_not_run_herald_s_scripts_stops_run_with_exit_78() throws Exception {
    try (RedisServerProcess redis =
        RedisServerProcess.start(
            "--user", "limited", "on", ">" + PASSWORD, "~*", "&*", "+@all", "-script")) {
      Path file = config("acl", "redis://limited:" + PASSWORD + "@127.0.0.1:" + redis.port());
      HeraldProcess herald = run("acl", file);
      try {
        int exit = herald.waitForExit(30);
        String log = herald.log();
        assertThat(exit).as("exit code\n%s", log).isEqualTo(78);
        assertThat(log)
            .contains("Redis refused access: NOPERM")
            .contains("and that its ACL lets it run")
            .doesNotContain(PASSWORD);
      } finally {
        herald.close();
      }
    }
  }

  @Test
  void cli_commands_report_a_missing_password_as_authentication_with_exit_78() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start("--requirepass", PASSWORD)) {
      Path file = config("cli", "redis://127.0.0.1:" + redis.port());
      CliRun stats = CliRun.run("", "stats", "--config", file.toString());
      assertThat(stats.exitCode()).as(stats.err()).isEqualTo(ExitCodes.CONFIG);
      assertThat(stats.err())
          .contains("Redis refused access: NOAUTH")
          .contains("hint: check the user and password")
          .doesNotContain("Redis unavailable");
    }
  }

  @Test
  void run_waits_for_a_redis_that_does_not_answer_yet_and_starts_once_it_does() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start("--requirepass", PASSWORD)) {
      redis.kill(); // its port is known; nothing answers there until it starts again
      Path file = config("later", "redis://:" + PASSWORD + "@127.0.0.1:" + redis.port());
      HeraldProcess herald = run("later", file);
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> herald.logged("retrying"));
        assertThat(herald.isAlive()).isTrue();
        redis.startAgain();
        await().atMost(Duration.ofSeconds(30)).until(() -> herald.logged("publisher started"));
        assertThat(herald.terminate(20)).as(herald.log()).isZero();
        assertThat(herald.log()).doesNotContain(PASSWORD);
      } finally {
        herald.close();
      }
    }
  }
}
