package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code redis.sentinel}, {@code redis.tls} and {@code durability}: bound, checked, redacted. */
class ProductionRedisConfigTest {

  @TempDir Path dir;

  private HeraldConfig load(String yaml) throws Exception {
    Path file = dir.resolve("herald.yaml");
    Files.writeString(file, yaml);
    return new ConfigLoader(Map.of()).load(file);
  }

  private List<String> problems(String yaml) {
    try {
      load(yaml);
    } catch (ConfigException e) {
      return e.problems();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("no problem found in:\n" + yaml);
  }

  @Test
  void a_sentinel_config_names_the_master_in_the_url_and_reaches_the_endpoint() throws Exception {
    HeraldConfig c =
        load(
            "redis:\n  url: rediss://herald:pw@mymaster/2\n  sentinel:\n    master: mymaster\n"
                + "    nodes: [s1.internal, 's2.internal:26380']\n    user: watcher\n"
                + "    password: s3cret\n    tls:\n      enabled: true\n"
                + "durability:\n  replicas: 1\n  replica-timeout: 250ms\n");
    RedisEndpoint e =
        RedisEndpoint.of(c.redis(), c.redis().url(), c.durability(), null, "from-env");
    assertThat(e.sentinels().master()).isEqualTo("mymaster");
    assertThat(e.sentinels().nodes())
        .extracting(Object::toString)
        .containsExactly("s1.internal:26379", "s2.internal:26380");
    assertThat(e.sentinels().password()).isEqualTo("from-env");
    assertThat(e.sentinels().ssl()).isTrue();
    assertThat(e.database()).isEqualTo(2);
    assertThat(e.ssl()).isTrue();
    assertThat(e.durability()).isEqualTo(new DurabilitySettings(1, Duration.ofMillis(250)));
    assertThat(e.redacted())
        .isEqualTo(
            "rediss://herald:***@mymaster/2 via sentinels s1.internal:26379,s2.internal:26380 (TLS)");
    Map<String, String> printed = ConfigPrinter.keys(c);
    assertThat(printed.get("redis.sentinel.password")).isEqualTo("***");
    assertThat(printed.toString()).doesNotContain("s3cret").doesNotContain(":pw@");
  }

  @Test
  void sentinel_mistakes_are_named_with_their_keys() {
    assertThat(
            problems(
                "redis:\n  url: redis://10.0.0.5:6379\n  sentinel:\n    master: mymaster\n"
                    + "    nodes: ['h:x']\n"))
        .containsExactlyInAnyOrder(
            "redis.sentinel.nodes[0] must be host:port with a numeric port (was 'h:x')",
            "redis.url must have no port when redis.sentinel is set (the sentinels name the"
                + " primary's address; its host is the master name): was 'redis://10.0.0.5:6379'",
            "redis.url's host must be the master name 'mymaster' when redis.sentinel is set (the"
                + " sentinels say where the primary is; the URL gives its user, password, database"
                + " and scheme): was '10.0.0.5'");
    assertThat(problems("redis:\n  embedded: true\n  sentinel:\n    nodes: [s1]\n"))
        .anySatisfy(p -> assertThat(p).startsWith("redis.sentinel.master must be the name"))
        .contains("redis.embedded must not be true when redis.sentinel is set: keep one");
  }

  @Test
  void tls_mistakes_are_named_with_their_keys() throws Exception {
    Path notPem = dir.resolve("ca.txt");
    Files.writeString(notPem, "hello");
    assertThat(
            problems(
                "redis:\n  url: rediss://h\n  tls:\n    ca-file: "
                    + notPem
                    + "\n    cert-file: c.pem\n"))
        .containsExactly(
            "redis.tls.cert-file and redis.tls.key-file go together (mutual TLS): set both or"
                + " neither");
    assertThat(problems("redis:\n  url: rediss://h\n  tls:\n    ca-file: " + notPem + "\n"))
        .containsExactly(
            "redis.tls.ca-file must be a PEM file of certificates (-----BEGIN CERTIFICATE-----),"
                + " and has none (was '"
                + notPem
                + "')");
    assertThat(problems("redis:\n  url: rediss://h\n  tls:\n    ca-file: /nope.pem\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("redis.tls.ca-file must be a readable PEM file"));
    assertThat(problems("redis:\n  url: redis://h\n  tls:\n    ca-file: /etc/ca.pem\n"))
        .containsExactly(
            "redis.tls.ca-file is set but TLS is off: use rediss:// in redis.url, or"
                + " redis.tls.enabled: true");
    assertThat(problems("redis:\n  url: rediss://h\n  tls:\n    enabled: false\n"))
        .containsExactly(
            "redis.tls.enabled must not be false when redis.url starts with rediss:// (it asks"
                + " for TLS): keep one");
    assertThat(
            problems(
                "redis:\n  url: rediss://h\n  tls:\n    ca-file: a.pem\n    truststore: t.p12\n"))
        .containsExactly("redis.tls.ca-file and redis.tls.truststore exclude each other: set one");
  }

  @Test
  void durability_is_bounded() {
    assertThat(problems("redis:\n  url: redis://h\ndurability:\n  replicas: 17\n"))
        .containsExactly("durability.replicas must be between 0 and 16 (was 17)");
    assertThat(problems("redis:\n  url: redis://h\ndurability:\n  replica-timeout: 0s\n"))
        .containsExactly(
            "durability.replica-timeout must be between 1ms and 1m (was 0s): WAIT with no timeout"
                + " would hold a batch for ever");
  }
}
