package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.backoff.Jitter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path dir;

  private HeraldConfig load(String yaml) throws Exception {
    return load(yaml, Map.of());
  }

  private HeraldConfig load(String yaml, Map<String, String> env) throws Exception {
    Path file = dir.resolve("herald.yaml");
    Files.writeString(file, yaml);
    return new ConfigLoader(env).load(file);
  }

  @Test
  void the_example_file_lists_every_key_at_its_default() throws Exception {
    HeraldConfig example = new ConfigLoader(Map.of()).load(Path.of("config/herald.example.yaml"));
    assertThat(example).isEqualTo(HeraldConfig.defaults());
  }

  @Test
  void console_users_rate_limits_and_the_console_address_are_checked_naming_key_and_value() {
    String yaml =
        "channels:\n  push:\n    rate-limit: 0\n"
            + "console:\n  listen: 127.0.0.1:9464\n  users:\n"
            + "    - name: alice\n      password-hash: hunter2\n"
            + "    - name: alice\n      password-hash: 'pbkdf2-sha256:1000:c2FsdHNhbHQ=:"
            + "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g='\n";
    assertThatThrownBy(() -> load(yaml))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactlyInAnyOrder(
                        "channels.push.rate-limit must be between 1 and 10000000 (was 0)",
                        "console.listen must differ from ops.listen (both '127.0.0.1:9464')",
                        "console.users[0].password-hash must be what `herald console"
                            + " hash-password` prints (pbkdf2-sha256:<iterations>:<salt>:<hash>);"
                            + " the password itself is never written in the file",
                        "console.users[1].name 'alice' is listed twice"));
  }

  @Test
  void an_empty_file_means_all_defaults() throws Exception {
    HeraldConfig c = load("");
    assertThat(c).isEqualTo(HeraldConfig.defaults());
    assertThat(c.redis().url()).isNull();
    assertThat(c.namespace()).isEqualTo("herald");
    assertThat(c.gateway().stream()).isEqualTo("gateway:client-events");
    assertThat(c.gateway().maxLength()).isEqualTo(100_000L);
    assertThat(c.publisher().shutdownGrace()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.intake().maxPayloadBytes()).isEqualTo(65_536);
  }

  @Test
  void reads_durations_numbers_and_jitter() throws Exception {
    HeraldConfig c =
        load(
            "publisher:\n  poll-interval: 250ms\n  lease: PT45S\n  batch-size: 200\n"
                + "backoff:\n  initial: 2s\n  max: 5m\n  multiplier: 3\n  jitter: full\n");
    assertThat(c.publisher().pollInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.publisher().lease()).isEqualTo(Duration.ofSeconds(45));
    assertThat(c.publisher().batchSize()).isEqualTo(200);
    assertThat(c.backoff().multiplier()).isEqualTo(3.0);
    assertThat(c.backoff().jitter()).isEqualTo(Jitter.FULL);
  }

  @Test
  void every_problem_is_reported_at_once_with_key_value_and_what_is_allowed() {
    String yaml =
        "publisher:\n"
            + "  workers: four\n"
            + "  bach-size: 10\n"
            + "  lease: 30\n"
            + "backoff:\n"
            + "  jitter: half\n"
            + "  initial: soon\n"
            + "delivery:\n"
            + "  max-attempts: 0\n"
            + "colour: blue\n";
    assertThatThrownBy(() -> load(yaml))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactlyInAnyOrder(
                        "publisher.workers must be a whole number (was 'four')",
                        "unknown key publisher.bach-size (allowed: batch-bytes, batch-size,"
                            + " inline-publish, lease, poll-interval, shutdown-grace, workers)",
                        "publisher.lease must be a duration: " + Durations.FORMS + " (was 30)",
                        "backoff.jitter must be one of none, full, equal (was 'half')",
                        "backoff.initial must be a duration: " + Durations.FORMS + " (was 'soon')",
                        "delivery.max-attempts must be between 1 and 1000 (was 0)",
                        "unknown key colour (allowed: api, backoff, channels, console,"
                            + " dead-letters, delivery, durability, gateway, intake, logging, namespace, ops, publisher,"
                            + " redis, retention, shards, sources, spool)"));
  }

  @Test
  void out_of_range_values_name_the_range() {
    assertThatThrownBy(
            () ->
                load(
                    "publisher:\n  batch-size: 0\ndelivery:\n  max-attempts: 0\n"
                        + "backoff:\n  initial: 10s\n  max: 1s\nnamespace: 'has space'\n"))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactlyInAnyOrder(
                        "publisher.batch-size must be between 1 and 10000 (was 0)",
                        "delivery.max-attempts must be between 1 and 1000 (was 0)",
                        "backoff.max must not be below backoff.initial (was 1s < 10s)",
                        "namespace must be 1 to 64 of the characters A-Z a-z 0-9 _ . : - (was"
                            + " 'has space')"));
  }

  @Test
  void the_dead_letter_retention_is_unset_by_default_and_reads_a_count_and_an_age()
      throws Exception {
    assertThat(HeraldConfig.defaults().deadLetters().maxCount()).isNull();
    assertThat(HeraldConfig.defaults().deadLetters().maxAge()).isNull();
    HeraldConfig c = load("dead-letters:\n  max-count: 1000000\n  max-age: 30d\n");
    assertThat(c.deadLetters().maxCount()).isEqualTo(1_000_000L);
    assertThat(c.deadLetters().maxAge()).isEqualTo(Duration.ofDays(30));
    assertThat(ConfigPrinter.describe(c))
        .contains("\"dead-letters\":{\"max-count\":1000000,\"max-age\":\"30d\"}");
    assertThatThrownBy(() -> load("dead-letters:\n  max-count: 0\n  max-age: 10s\n  max-size: 3\n"))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactlyInAnyOrder(
                        "unknown key dead-letters.max-size (allowed: max-age, max-count)",
                        "dead-letters.max-count must be between 1 and 1000000000 (was 0)",
                        "dead-letters.max-age must be between 1m and 3650d (was 10s)"));
  }

  @Test
  void a_section_given_as_a_scalar_is_named() {
    assertThatThrownBy(() -> load("publisher: 5\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("publisher must be a section of keys (was '5')");
  }

  @Test
  void a_bad_redis_url_is_reported_without_its_password() {
    assertThatThrownBy(() -> load("redis:\n  url: http://user:hunter2@host\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("redis.url must start with redis:// or rediss://")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void the_environment_supplies_the_redis_url() throws Exception {
    HeraldConfig c = load("namespace: x\n", Map.of("HERALD_REDIS_URL", "redis://db:6379"));
    assertThat(c.redis().url()).isEqualTo("redis://db:6379");
  }

  @Test
  void a_missing_file_given_on_the_command_line_is_an_error() {
    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(dir.resolve("nope.yaml")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("nope.yaml does not exist");
  }

  @Test
  void the_printed_config_hides_the_password() {
    HeraldConfig c = HeraldConfig.defaults().withRedisUrl("redis://u:hunter2@h:6379/1");
    assertThat(ConfigPrinter.describe(c))
        .contains("\"url\":\"redis://u:***@h:6379/1\"")
        .contains("\"batch-size\":500")
        .contains("\"poll-interval\":\"1s\"")
        .doesNotContain("hunter2");
  }

  @Test
  void channels_default_to_push_on_the_gateway_stream_and_may_name_their_own_streams()
      throws Exception {
    HeraldConfig defaults = load("gateway:\n  stream: gw\n  max-length: 500\n");
    assertThat(defaults.channels().all())
        .containsExactly(new dev.herald.domain.Channel("push", "gw", 500));

    HeraldConfig c =
        load(
            "gateway:\n  stream: gw\n"
                + "channels:\n  push: {}\n  email:\n    stream: mail:out\n    max-length: 20\n");
    assertThat(c.channels().names()).containsExactly("email", "push");
    assertThat(c.channels().find("push").orElseThrow().stream()).isEqualTo("gw");
    assertThat(c.channels().find("email").orElseThrow())
        .isEqualTo(new dev.herald.domain.Channel("email", "mail:out", 20));
  }

  @Test
  void bad_channels_and_intake_keys_are_named() {
    String yaml =
        "channels:\n"
            + "  sms: {}\n"
            + "  \"e:mail\": {stream: x}\n"
            + "  fax: {stream: f, max-length: 0, colour: red}\n"
            + "intake:\n"
            + "  batch-size: 0\n"
            + "  claim-idle: 10ms\n"
            + "  stream: same\n"
            + "  rejected-stream: same\n";
    assertThatThrownBy(() -> load(yaml))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactlyInAnyOrder(
                        "unknown key channels.fax.colour (allowed: max-length, rate-limit, stream)",
                        "channels.sms.stream is required (the stream its routes go to)",
                        "channels.e:mail: a channel name must be 1 to 32 of the characters"
                            + " A-Z a-z 0-9 _ . - (was 'e:mail')",
                        "channels.fax.max-length must be between 1 and 1000000000 (was 0)",
                        "intake.batch-size must be between 1 and 10000 (was 0)",
                        "intake.claim-idle must be between 1s and 1d (was 10ms)",
                        "intake.rejected-stream must differ from intake.stream (both 'same')"));
  }

  @Test
  void reads_the_ops_and_logging_sections() throws Exception {
    HeraldConfig c =
        load(
            "ops:\n  listen: '[::1]:0'\n  ready-timeout: 250ms\n  max-type-labels: 5\n"
                + "logging:\n  level: debug\n  format: json\n");
    assertThat(c.ops().address().getHostString()).isEqualTo("::1");
    assertThat(c.ops().address().getPort()).isZero();
    assertThat(c.ops().readyTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.ops().maxTypeLabels()).isEqualTo(5);
    assertThat(c.logging().level()).isEqualTo("debug");
    assertThat(c.logging().json()).isTrue();
    assertThat(load("ops:\n  listen: 'off'\n").ops().enabled()).isFalse();
  }

  @Test
  void bad_ops_and_logging_values_are_reported_with_their_keys() {
    assertThatThrownBy(
            () ->
                load(
                    "ops:\n  listen: localhost\n  ready-timeout: 5m\n  max-type-labels: 0\n"
                        + "logging:\n  level: loud\n  format: xml\n"))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactlyInAnyOrder(
                        "ops.listen must be host:port or off (was 'localhost')",
                        "ops.ready-timeout must be between 10ms and 1m (was 5m)",
                        "ops.max-type-labels must be between 1 and 1000 (was 0)",
                        "logging.level must be one of trace, debug, info, warn, error, off"
                            + " (was 'loud')",
                        "logging.format must be one of text, json (was 'xml')"));
  }

  @Test
  void a_key_written_twice_is_an_error_naming_the_key_and_both_lines() {
    String yaml =
        "redis:\n"
            + "  url: redis://10.0.0.5:6379/0\n"
            + "namespace: herald\n"
            + "publisher:\n"
            + "  workers: 2\n"
            + "  workers: 3\n"
            + "redis:\n"
            + "  timeout: 5s\n";
    assertThatThrownBy(() -> load(yaml))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactlyInAnyOrder(
                        "publisher.workers is written twice (lines 5 and 6): only the last would"
                            + " count, dropping what the first one set; keep one",
                        "redis is written twice (lines 1 and 7): only the last would count,"
                            + " dropping what the first one set; keep one"));
  }

  @Test
  void a_config_file_runs_on_the_embedded_redis_only_when_it_asks_for_it() throws Exception {
    assertThat(load("namespace: herald\n").redis().wantsEmbedded()).isFalse();
    assertThat(load("").redis().wantsEmbedded()).isFalse();
    HeraldConfig asked = load("redis:\n  embedded: true\n");
    assertThat(asked.redis().wantsEmbedded()).isTrue();
    assertThat(asked.redis().url()).isNull();
    // No config file at all: the quick start, on the embedded Redis.
    Path none = dir.resolve("absent");
    ConfigLookup nothing = new ConfigLookup(Map.of(), List.of(none));
    assertThat(new ConfigLoader(Map.of(), nothing).load((Path) null).redis().wantsEmbedded())
        .isTrue();
    assertThat(Files.exists(none)).isFalse();
    // HERALD_REDIS_URL names the Redis, whatever the file says.
    HeraldConfig env =
        load("redis:\n  embedded: true\n", Map.of("HERALD_REDIS_URL", "redis://h:1"));
    assertThat(env.redis().url()).isEqualTo("redis://h:1");
    assertThat(env.redis().wantsEmbedded()).isFalse();
    assertThatThrownBy(() -> load("redis:\n  url: redis://u:hunter2@h:6379\n  embedded: true\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "redis.embedded must not be true when redis.url is set (was 'redis://u:***@h:6379')")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
  }

  @Test
  void streams_that_collide_with_each_other_or_with_herald_keys_are_errors() {
    String yaml =
        "namespace: app\n"
            + "gateway:\n  stream: app:intents\n"
            + "intake:\n  stream: app:intents\n  rejected-stream: app:stats:rejected\n"
            + "channels:\n"
            + "  push: {}\n"
            + "  email: {stream: mail}\n"
            + "  sms: {stream: mail}\n"
            + "  fax: {stream: 'app:schedule'}\n"
            + "  pager: {stream: 'app:pager'}\n";
    String own = "are Herald's; pick another name";
    assertThatThrownBy(() -> load(yaml))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactlyInAnyOrder(
                        "intake.rejected-stream must not be one of Herald's own keys (was"
                            + " 'app:stats:rejected'): under 'app:' the names starting with"
                            + " schedule, n, r, f, dead, retention, idem, quarantine, stats,"
                            + " wakeup, breakers, channels, processes, format, rcpt "
                            + own,
                        "gateway.stream must differ from intake.stream (both 'app:intents'):"
                            + " events appended there would be read back as intents and"
                            + " rejected",
                        "channels.sms.stream must differ from channels.email.stream (both"
                            + " 'mail'): each channel needs a stream of its own (each trims it"
                            + " to its own max-length)",
                        "channels.fax.stream must not be one of Herald's own keys (was"
                            + " 'app:schedule'): under 'app:' the names starting with schedule,"
                            + " n, r, f, dead, retention, idem, quarantine, stats, wakeup,"
                            + " breakers, channels, processes, format, rcpt "
                            + own));
  }

  @Test
  void bad_api_and_spool_values_are_reported_with_their_keys() {
    assertThatThrownBy(
            () ->
                load(
                    "api:\n  listen: 0.0.0.0:9465\n  max-batch: 0\n  tokens:\n"
                        + "    - producer: game engine\n      sha256: secret-token\n"
                        + "spool:\n  fsync: sometimes\n  max-bytes: 10\n  replay-rate: 0\n"))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactlyInAnyOrder(
                        "api.tokens[0].producer must be a producer id: 1 to 128 characters"
                            + " without whitespace (was 'game engine')",
                        "api.tokens[0].sha256 must be the token's SHA-256 as 64 hex digits"
                            + " (printf %s \"$TOKEN\" | sha256sum), not the token itself",
                        "api.max-batch must be between 1 and 10000 (was 0)",
                        "spool.max-bytes must be between 1048576 and 1099511627776 (was 10)",
                        "spool.fsync must be one of request, batch, interval (was 'sometimes')",
                        "spool.segment-bytes must not be above spool.max-bytes (was 16777216 >"
                            + " 10)",
                        "spool.replay-rate must be between 1 and 1000000 (was 0)"));
  }

  @Test
  void an_api_beyond_loopback_needs_a_token() {
    assertThatThrownBy(() -> load("api:\n  listen: 0.0.0.0:9465\n"))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactly(
                        "api.listen 0.0.0.0:9465 is not a loopback address, so api.tokens or"
                            + " api.tokens-file must name at least one token (without tokens only"
                            + " this host may submit)"));
  }

  @Test
  void the_tls_password_is_never_printed() throws Exception {
    Path ks = Files.createTempFile("api", ".p12");
    HeraldConfig c =
        load("api:\n  tls:\n    keystore: " + ks + "\n    keystore-password: hunter2\n");
    assertThat(ConfigPrinter.describe(c)).doesNotContain("hunter2").contains("\"***\"");
  }

  @Test
  void the_postgres_source_is_off_by_default_and_reads_every_key() throws Exception {
    PostgresSourceSettings off = HeraldConfig.defaults().sources().postgres();
    assertThat(off.enabled()).isFalse();
    assertThat(off.table()).isEqualTo("herald_outbox");
    assertThat(off.relayedRows()).isEqualTo("mark");
    PostgresSourceSettings pg =
        load("sources:\n  postgres:\n    enabled: true\n"
                + "    url: jdbc:postgresql://db:5432/app\n    user: relay\n"
                + "    password: s3cret\n    table: app_outbox\n    batch-size: 100\n"
                + "    workers: 3\n    poll-interval: 250ms\n    relayed-rows: delete\n"
                + "    retention: 2d\n    idempotency-window: 30m\n")
            .sources()
            .postgres();
    assertThat(pg.enabled()).isTrue();
    assertThat(pg.url()).isEqualTo("jdbc:postgresql://db:5432/app");
    assertThat(pg.user()).isEqualTo("relay");
    assertThat(pg.table()).isEqualTo("app_outbox");
    assertThat(pg.batchSize()).isEqualTo(100);
    assertThat(pg.workers()).isEqualTo(3);
    assertThat(pg.pollInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(pg.deletesRelayedRows()).isTrue();
    assertThat(pg.retention()).isEqualTo(Duration.ofDays(2));
    assertThat(pg.idempotencyWindow()).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void the_postgres_password_never_reaches_the_printed_config() throws Exception {
    HeraldConfig c =
        load(
            "sources:\n  postgres:\n    url: jdbc:postgresql://db/app?user=a&password=in-url\n"
                + "    password: s3cret\n");
    assertThat(ConfigPrinter.describe(c))
        .doesNotContain("s3cret")
        .doesNotContain("in-url")
        .contains("password=***");
    assertThat(ConfigPrinter.keys(c)).containsEntry("sources.postgres.password", "***");
    assertThat(c.sources().postgres().toString()).doesNotContain("s3cret").doesNotContain("in-url");
  }

  @Test
  void bad_postgres_source_values_are_reported_with_their_dotted_keys() {
    assertThatThrownBy(
            () ->
                load(
                    "sources:\n  postgres:\n    enabled: true\n    password: x\n"
                        + "    password-file: /nonexistent/pg-password\n"
                        + "    table: 'Outbox; drop'\n    batch-size: 0\n    workers: 17\n"
                        + "    poll-interval: 1ms\n    relayed-rows: archive\n"
                        + "    idempotency-window: 10s\n    colour: blue\n"))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactlyInAnyOrder(
                        "sources.postgres.url is required when sources.postgres.enabled is true",
                        "sources.postgres.password and sources.postgres.password-file exclude"
                            + " each other: set one",
                        "sources.postgres.password-file must be a readable file (was"
                            + " '/nonexistent/pg-password')",
                        "sources.postgres.table must be a lower-case name of 1 to 40 letters,"
                            + " digits and _, starting with a letter or _ (was 'Outbox; drop')",
                        "sources.postgres.batch-size must be between 1 and 10000 (was 0)",
                        "sources.postgres.workers must be between 1 and 16 (was 17)",
                        "sources.postgres.poll-interval must be between 10ms and 10m (was 1ms)",
                        "sources.postgres.relayed-rows must be one of mark, delete (was"
                            + " 'archive')",
                        "sources.postgres.idempotency-window must be between 1m and 30d (was"
                            + " 10s)",
                        "unknown key sources.postgres.colour (allowed: batch-size, enabled,"
                            + " idempotency-window, password, password-file, poll-interval,"
                            + " relayed-rows, retention, table, url, user, workers)"));
    assertThatThrownBy(() -> load("sources:\n  postgres:\n    url: postgres://db/app\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "sources.postgres.url must be a PostgreSQL JDBC URL,"
                + " jdbc:postgresql://host[:port]/database (was 'postgres://db/app')");
  }
}
