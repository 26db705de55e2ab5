package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.config.RedisEndpoint;
import dev.herald.config.RedisTlsSettings;
import dev.herald.publish.PublishCycle;
import dev.herald.testing.Harness;
import dev.herald.testing.HeraldProcess;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.StreamEntryID;

/**
 * Herald over TLS to a real TLS-enabled redis-server, certificates made by the test: the core flows
 * (the store's publish path, {@code herald run} taking intents from the stream and publishing,
 * {@code stats}, {@code submit}, {@code routes show}) with a CA file, and with mutual TLS; and the
 * handshakes that fail over the config (a wrong CA, a certificate for another host, no client
 * certificate where Redis asks for one) stop Herald at start with exit 78 naming the setting.
 */
class RedisTlsIT {

  private static final TestCertificates CERTS = TestCertificates.get();

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ca-file", "mutual"})
  void the_core_flows_run_over_tls(String mode) throws Exception {
    boolean mutual = mode.equals("mutual");
    int tlsPort = RedisServerProcess.freePort();
    try (RedisServerProcess redis =
        RedisServerProcess.start(
            CERTS
                .serverArgs(tlsPort, CERTS.serverCert(), mutual ? "yes" : "no")
                .toArray(new String[0]))) {
      RedisTlsSettings tls = tls(CERTS.ca(), mutual);
      RedisEndpoint endpoint =
          RedisEndpoint.parse("rediss://localhost:" + tlsPort, null, Duration.ofSeconds(5))
              .withTls(tls);
      try (Harness h = Harness.realTime(endpoint, redis.url())) {
        List<String> ids =
            h.submit(
                Harness.notification(Harness.recipients("a", 5)).build(),
                Harness.notification(Harness.recipients("b", 5)).build());
        PublishCycle cycle = h.cycle("w", Harness.settings(100, 5));
        assertThat(h.drain(cycle)).isEqualTo(10);
        assertThat(h.streamFields()).hasSize(10);

        String intents = h.namespace + ":intents";
        Path config = config(h, tlsPort, intents, tls);
        try (HeraldProcess herald =
            HeraldProcess.start(dir.resolve("run.log"), "run", "--config", config.toString())) {
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> herald.logged("publisher started") || !herald.isAlive());
          assertThat(herald.isAlive()).as(herald.log()).isTrue();
          for (int i = 0; i < 20; i++) {
            h.raw.xadd(
                intents,
                StreamEntryID.NEW_ENTRY,
                Map.of(
                    "intent",
                    "{\"type\":\"t\",\"producer\":\"p\",\"recipients\":[\"i-"
                        + i
                        + "\"],\"channels\":[\"push\"]}"));
          }
          CliRun submit =
              CliRun.run(
                  "{\"type\":\"t\",\"producer\":\"p\",\"recipients\":[\"s-1\",\"s-2\"],"
                      + "\"channels\":[\"push\"]}",
                  "submit",
                  "--config",
                  config.toString());
          assertThat(submit.exitCode()).as(submit.err()).isZero();
          String id = submit.out().strip();
          await().atMost(Duration.ofSeconds(30)).until(() -> h.raw.xlen(h.stream) >= 32);
          CliRun show = CliRun.run("", "routes", "show", "--config", config.toString(), id);
          assertThat(show.exitCode()).as(show.err()).isZero();
          assertThat(show.out()).contains("push:s-1").contains("published");
          CliRun stats = CliRun.run("", "stats", "--json", "--config", config.toString());
          assertThat(stats.exitCode()).as(stats.err()).isZero();
          JsonNode json = new ObjectMapper().readTree(stats.out());
          assertThat(json.get("redis").get("role").asText()).isEqualTo("master");
          assertThat(json.get("totals").get("published").asLong()).isEqualTo(32);
          assertThat(herald.terminate(20)).as(herald.log()).isZero();
        }
        Set<String> events = new HashSet<>();
        h.streamFields().forEach(e -> events.add(e.get("event_id")));
        assertThat(events).as("each route once").hasSize(32);
        assertThat(ids).hasSize(2);
      }
    }
  }

  @Test
  void a_ca_that_did_not_sign_the_server_certificate_stops_herald_with_exit_78() throws Exception {
    int tlsPort = RedisServerProcess.freePort();
    try (RedisServerProcess redis =
        RedisServerProcess.start(
            CERTS.serverArgs(tlsPort, CERTS.serverCert(), "no").toArray(new String[0]))) {
      Path config =
          simpleConfig("wrong-ca", "rediss://localhost:" + tlsPort, tls(CERTS.otherCa(), false));
      CliRun stats = CliRun.run("", "stats", "--config", config.toString());
      assertThat(stats.exitCode()).as(stats.err()).isEqualTo(ExitCodes.CONFIG);
      assertThat(stats.err())
          .contains("redis.tls.ca-file: the server's certificate is not signed by a CA in")
          .contains(CERTS.otherCa().toString());
      try (HeraldProcess herald =
          HeraldProcess.start(dir.resolve("run.log"), "run", "--config", config.toString())) {
        assertThat(herald.waitForExit(60)).as(herald.log()).isEqualTo(78);
        assertThat(herald.log()).contains("redis.tls.ca-file").doesNotContain("retrying");
      }
    }
  }

  @Test
  void a_certificate_for_another_host_stops_herald_with_exit_78_unless_hostnames_are_not_checked()
      throws Exception {
    int tlsPort = RedisServerProcess.freePort();
    try (RedisServerProcess redis =
        RedisServerProcess.start(
            CERTS.serverArgs(tlsPort, CERTS.otherNameCert(), "no").toArray(new String[0]))) {
      String url = "rediss://127.0.0.1:" + tlsPort;
      Path checked = simpleConfig("checked", url, tls(CERTS.ca(), false));
      CliRun stats = CliRun.run("", "stats", "--config", checked.toString());
      assertThat(stats.exitCode()).as(stats.err()).isEqualTo(ExitCodes.CONFIG);
      assertThat(stats.err())
          .contains("redis.tls.verify-hostname: the server's certificate does not name 127.0.0.1");

      RedisTlsSettings unchecked =
          new RedisTlsSettings(null, CERTS.ca().toString(), null, null, null, null, false);
      Path relaxed = simpleConfig("relaxed", url, unchecked);
      CliRun ok = CliRun.run("", "stats", "--config", relaxed.toString());
      assertThat(ok.exitCode()).as(ok.err()).isZero();
    }
  }

  @Test
  void no_client_certificate_where_redis_asks_for_one_stops_herald_with_exit_78() throws Exception {
    int tlsPort = RedisServerProcess.freePort();
    try (RedisServerProcess redis =
        RedisServerProcess.start(
            CERTS.serverArgs(tlsPort, CERTS.serverCert(), "yes").toArray(new String[0]))) {
      Path config =
          simpleConfig("no-cert", "rediss://localhost:" + tlsPort, tls(CERTS.ca(), false));
      CliRun stats = CliRun.run("", "stats", "--config", config.toString());
      assertThat(stats.exitCode()).as(stats.err()).isEqualTo(ExitCodes.CONFIG);
      assertThat(stats.err()).contains("redis.tls.cert-file");
    }
  }

  private static RedisTlsSettings tls(Path ca, boolean mutual) {
    return new RedisTlsSettings(
        null,
        ca.toString(),
        null,
        null,
        mutual ? CERTS.clientCert().toString() : null,
        mutual ? CERTS.clientKey().toString() : null,
        null);
  }

  private Path config(Harness h, int tlsPort, String intents, RedisTlsSettings tls)
      throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add("redis:");
    lines.add("  url: rediss://localhost:" + tlsPort);
    lines.addAll(tlsLines(tls));
    lines.addAll(
        List.of(
            "namespace: " + h.namespace,
            "gateway:",
            "  stream: " + h.stream,
            "publisher:",
            "  workers: 2",
            "  poll-interval: 100ms",
            "intake:",
            "  stream: " + intents,
            "  rejected-stream: " + intents + ":rejected",
            "api:",
            "  listen: 'off'",
            "console:",
            "  listen: 'off'",
            "ops:",
            "  listen: 127.0.0.1:0",
            ""));
    Path file = dir.resolve("herald.yaml");
    Files.writeString(file, String.join("\n", lines));
    return file;
  }

  private Path simpleConfig(String name, String url, RedisTlsSettings tls) throws Exception {
    List<String> lines = new ArrayList<>(List.of("redis:", "  url: " + url));
    lines.addAll(tlsLines(tls));
    lines.addAll(
        List.of(
            "api:",
            "  listen: 'off'",
            "console:",
            "  listen: 'off'",
            "ops:",
            "  listen: 127.0.0.1:0",
            ""));
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, String.join("\n", lines));
    return file;
  }

  private static List<String> tlsLines(RedisTlsSettings tls) {
    List<String> lines = new ArrayList<>(List.of("  tls:", "    ca-file: " + tls.caFile()));
    if (tls.certFile() != null) {
      lines.add("    cert-file: " + tls.certFile());
      lines.add("    key-file: " + tls.keyFile());
    }
    if (tls.verifyHostname() != null) {
      lines.add("    verify-hostname: " + tls.verifyHostname());
    }
    return lines;
  }
}
