package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.backoff.Jitter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReloadPlanTest {

  private static final HeraldConfig RUNNING =
      HeraldConfig.defaults().withRedisUrl("redis://app:old-secret@db:6379/0");

  /** Every key differs from {@link #RUNNING}. */
  private static HeraldConfig everythingChanged() {
    return new HeraldConfig(
        new RedisSettings(
            "redis://app:new-secret@db2:6380/1",
            Duration.ofSeconds(3),
            false,
            new SentinelSettings(
                "other-master",
                List.of("s1:26379"),
                "watcher",
                "sentinel-secret",
                new RedisTlsSettings(
                    true, "s-ca.pem", "s-trust.p12", "s-pw", "s.pem", "s.key", false)),
            new RedisTlsSettings(true, "ca.pem", "trust.p12", "trust-pw", "c.pem", "c.key", false),
            new ClusterSettings(List.of("n1:7000"), "app", "cluster-secret")),
        "other",
        new GatewaySettings("elsewhere", 5L),
        new PublisherSettings(
            8,
            50,
            1 << 20,
            Duration.ofMillis(250),
            Duration.ofSeconds(45),
            Duration.ofSeconds(20),
            false),
        new BackoffSettings(Duration.ofSeconds(2), Duration.ofMinutes(1), 3.0, Jitter.NONE),
        new DeliverySettings(9, 3),
        new IntakeSettings(
            Duration.ofHours(2),
            1024,
            "other:intents",
            "other-group",
            20,
            Duration.ofMinutes(2),
            "other:rejected",
            50L),
        new RetentionSettings(Duration.ofHours(3)),
        new DeadLetterSettings(1000L, Duration.ofDays(7)),
        Map.of("push", new ChannelSettings("push:elsewhere", 6L, 7L)),
        new OpsSettings("127.0.0.1:0", Duration.ofMillis(300), 7),
        new LoggingSettings("debug", "json"),
        new ApiSettings(
            "127.0.0.1:0",
            List.of(new ApiSettings.ApiToken("p", "0".repeat(64))),
            "tokens.txt",
            1024L,
            10,
            8,
            new ApiSettings.TlsSettings("api.p12", "secret")),
        new SpoolSettings(
            "other-spool",
            1L << 20,
            "request",
            Duration.ofMillis(100),
            1L << 16,
            Duration.ofSeconds(5),
            100,
            10,
            Duration.ofMillis(50)),
        new SourcesSettings(
            new PostgresSourceSettings(
                true,
                "jdbc:postgresql://db/app?password=url-secret",
                "relay",
                "pg-secret",
                "/run/secrets/pg",
                "other_outbox",
                100,
                4,
                Duration.ofMillis(200),
                "delete",
                Duration.ofDays(2),
                Duration.ofMinutes(30))),
        new DurabilitySettings(1, Duration.ofMillis(250)),
        new ConsoleSettings(
            "127.0.0.1:9999",
            List.of(
                new ConsoleSettings.ConsoleUser("alice", "pbkdf2-sha256:1000:c2FsdA==:aGFzaA==")),
            new ApiSettings.TlsSettings("/etc/herald/console.p12", "secret"),
            true,
            50),
        16);
  }

  @Test
  void every_key_is_either_applied_or_kept_at_its_running_value() {
    HeraldConfig loaded = everythingChanged();
    Map<String, String> running = ConfigPrinter.rawKeys(RUNNING);
    Map<String, String> file = ConfigPrinter.rawKeys(loaded);
    // A new key must be changed above, so that this test decides where it belongs.
    running.forEach(
        (key, value) ->
            assertThat(file.get(key)).as("%s changed in the test", key).isNotEqualTo(value));

    ReloadPlan plan = ReloadPlan.of(RUNNING, loaded);
    Map<String, String> effective = ConfigPrinter.rawKeys(plan.effective());
    for (String key : running.keySet()) {
      String expected = ReloadPlan.RELOADABLE.contains(key) ? file.get(key) : running.get(key);
      assertThat(effective.get(key)).as(key).isEqualTo(expected);
    }
    assertThat(plan.applied())
        .extracting(ReloadPlan.Change::key)
        .containsExactlyInAnyOrderElementsOf(ReloadPlan.RELOADABLE);
    assertThat(plan.applied().size() + plan.ignored().size()).isEqualTo(running.size());
  }

  @Test
  void changes_read_old_to_new_with_credentials_redacted() {
    ReloadPlan plan = ReloadPlan.of(RUNNING, everythingChanged());
    assertThat(plan.applied())
        .contains(new ReloadPlan.Change("backoff.initial", "1s", "2s"))
        .contains(new ReloadPlan.Change("publisher.workers", "4", "8"))
        .contains(new ReloadPlan.Change("logging.level", "(unset)", "debug"));
    assertThat(plan.ignored())
        .contains(
            new ReloadPlan.Change(
                "redis.url", "redis://app:***@db:6379/0", "redis://app:***@db2:6380/1"))
        .contains(new ReloadPlan.Change("namespace", "herald", "other"));
    assertThat(plan.toString())
        .doesNotContain("old-secret")
        .doesNotContain("new-secret")
        .doesNotContain("pg-secret")
        .doesNotContain("url-secret");
  }

  @Test
  void a_changed_password_alone_is_named_without_showing_it() {
    ReloadPlan plan =
        ReloadPlan.of(RUNNING, RUNNING.withRedisUrl("redis://app:new-secret@db:6379/0"));
    assertThat(plan.applied()).isEmpty();
    assertThat(plan.ignored())
        .containsExactly(
            new ReloadPlan.Change(
                "redis.url", "redis://app:***@db:6379/0", "(credentials changed)"));
  }

  @Test
  void a_channel_added_in_the_file_is_named_as_needing_a_restart() {
    HeraldConfig r = RUNNING;
    HeraldConfig loaded =
        new HeraldConfig(
            r.redis(),
            r.namespace(),
            r.gateway(),
            r.publisher(),
            r.backoff(),
            r.delivery(),
            r.intake(),
            r.retention(),
            r.deadLetters(),
            Map.of("sms", new ChannelSettings("sms-events", 1000L, null)),
            r.ops(),
            r.logging(),
            r.api(),
            r.spool(),
            r.sources(),
            r.durability(),
            r.console(),
            r.shards());
    ReloadPlan plan = ReloadPlan.of(RUNNING, loaded);
    assertThat(plan.changesNothing()).isFalse();
    assertThat(plan.ignored()).extracting(ReloadPlan.Change::key).contains("channels.sms.stream");
    assertThat(ConfigPrinter.rawKeys(plan.effective())).doesNotContainKey("channels.sms.stream");
  }

  @Test
  void the_same_file_changes_nothing() {
    assertThat(ReloadPlan.of(RUNNING, RUNNING).changesNothing()).isTrue();
  }
}
