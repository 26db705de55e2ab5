package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.console.Passwords;
import dev.herald.domain.NotificationRequest;
import dev.herald.testing.DeadLetterPlanting;
import dev.herald.testing.Harness;
import dev.herald.testing.TestRedis;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's safety: anyone may look, a change needs a signed-in user and the session's CSRF
 * token, and pages carry no secrets.
 */
class ConsoleIT {

  private static final String PASSWORD = "correct horse battery staple";

  @TempDir Path dir;
  private final Harness h = new Harness();
  private final HttpClient http = HttpClient.newHttpClient(); // follows no redirects

  @AfterEach
  void close() {
    h.close();
  }

  private String yaml() {
    return h.configOn(
        TestRedis.heraldUrl(),
        "ops:",
        "  listen: 127.0.0.1:0",
        "api:",
        "  listen: 'off'",
        "console:",
        "  listen: 127.0.0.1:0",
        "  users:",
        "    - name: alice",
        "      password-hash: '" + Passwords.hash(PASSWORD.toCharArray(), 1000) + "'");
  }

  private HttpResponse<String> get(String url, String cookie) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String url, String cookie, String form) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String csrfOf(String page) {
    Matcher m = Pattern.compile("name=csrf value='([^']+)'").matcher(page);
    assertThat(m.find()).as("a CSRF field in the page").isTrue();
    return m.group(1);
  }

  @Test
  void writes_are_refused_with_403_without_a_session_and_with_a_wrong_csrf_token()
      throws Exception {
    try (RunningDaemon d = RunningDaemon.start(dir, yaml())) {
      String base = d.consoleUrl();
      HttpResponse<String> overview = get(base + "/", null);
      assertThat(overview.statusCode()).isEqualTo(200);
      assertThat(overview.body()).contains("Overview").contains("sign in to make changes");

      HttpResponse<String> anonymous = post(base + "/channels/pause", null, "channel=push");
      assertThat(anonymous.statusCode()).isEqualTo(403);
      assertThat(anonymous.body()).contains("read-only: sign in");

      HttpResponse<String> wrongPassword =
          post(base + "/sign-in", null, "user=alice&password=" + enc("guess"));
      assertThat(wrongPassword.statusCode()).isEqualTo(403);
      assertThat(wrongPassword.headers().firstValue("Set-Cookie")).isEmpty();

      HttpResponse<String> signIn =
          post(base + "/sign-in", null, "user=alice&password=" + enc(PASSWORD));
      assertThat(signIn.statusCode()).isEqualTo(303);
      String cookie = signIn.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
      assertThat(signIn.headers().firstValue("Set-Cookie").orElseThrow())
          .contains("HttpOnly")
          .contains("SameSite=Strict");

      HttpResponse<String> noToken = post(base + "/channels/pause", cookie, "channel=push");
      assertThat(noToken.statusCode()).isEqualTo(403);
      HttpResponse<String> wrongToken =
          post(base + "/channels/pause", cookie, "channel=push&csrf=forged");
      assertThat(wrongToken.statusCode()).isEqualTo(403);
      assertThat(wrongToken.body()).contains("CSRF token is missing or wrong");
      HttpRequest crossSite =
          HttpRequest.newBuilder(URI.create(base + "/channels/pause"))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .header("Cookie", cookie)
              .header("Origin", "http://evil.example")
              .POST(HttpRequest.BodyPublishers.ofString("channel=push"))
              .build();
      assertThat(http.send(crossSite, HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(403);
      assertThat(h.backend.channelControls().read()).isEmpty();

      String page = get(base + "/channels", cookie).body();
      assertThat(page).contains("signed in as <b id=user>alice</b>");
      HttpResponse<String> paused =
          post(base + "/channels/pause", cookie, "channel=push&csrf=" + enc(csrfOf(page)));
      assertThat(paused.statusCode()).isEqualTo(303);
      assertThat(h.backend.channelControls().read().get("push").pausedBy())
          .isEqualTo("console:alice");

      for (String path :
          new String[] {"/", "/channels", "/processes", "/dead-letters", "/scheduled"}) {
        String body = get(base + path, cookie).body();
        if (path.equals("/processes")) {
          // A rolling upgrade's question: what does each process read, what is stored.
          assertThat(body)
              .containsPattern("<td>up to format [0-9]+<td")
              .containsPattern("Stored format <span id=stored-format-number>[0-9]+</span>");
        }
        assertThat(body).as(path).doesNotContain(PASSWORD).doesNotContain("pbkdf2-sha256");
        assertThat(body).as(path).doesNotContain(TestRedis.heraldUrl());
      }
      assertThat(d.stop()).isZero();
    }
  }

  @Test
  void dead_letters_page_by_cursor_and_scheduled_routes_lead_to_their_notification()
      throws Exception {
    List<NotificationRequest.Builder> dead = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      dead.add(Harness.notification("d-" + i));
    }
    new DeadLetterPlanting(h).streamDown(dead.toArray(NotificationRequest.Builder[]::new));
    String later =
        h.submit(
                Harness.notification("u-1", "u-2")
                    .idempotencyKey("turn-7")
                    .sendAt(Instant.now().plus(Duration.ofHours(1)))
                    .build())
            .get(0);
    try (RunningDaemon d = RunningDaemon.start(dir, yaml())) {
      String base = d.consoleUrl();
      String first = get(base + "/dead-letters", null).body();
      assertThat(rows(first, "name=ref value=")).isEqualTo(50);
      Matcher next = Pattern.compile("id=next-page href='([^']+)'").matcher(first);
      assertThat(next.find()).isTrue();
      String second = get(base + next.group(1).replace("&amp;", "&"), null).body();
      assertThat(rows(second, "name=ref value=")).isEqualTo(10);
      assertThat(second).doesNotContain("id=next-page");

      String scheduled = get(base + "/scheduled", null).body();
      assertThat(scheduled).contains(later).contains("in 59 min");
      String byKey =
          get(base + "/notifications?producer=game-engine&idempotency_key=turn-7", null).body();
      assertThat(byKey).contains("Notification " + later).contains("push:u-2").contains("pending");
      assertThat(get(base + "/notifications?id=" + later, null).body())
          .contains("&quot;turn&quot;");
      HttpResponse<String> bad = get(base + "/dead-letters?since=yesterday", null);
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("since: must be ISO-8601");
      assertThat(d.stop()).isZero();
    }
  }

  @Test
  void session_cookies_are_http_only_and_same_site_strict_and_secure_over_https() throws Exception {
    Path keystore = selfSigned(dir.resolve("console.p12"), "store-pw");
    String yaml =
        yaml()
            .replace(
                "console:\n",
                "console:\n  tls:\n    keystore: "
                    + keystore
                    + "\n    keystore-password: store-pw\n");
    try (RunningDaemon d = RunningDaemon.start(dir, yaml)) {
      String base = d.consoleUrl().replace("http://", "https://");
      HttpClient https = HttpClient.newBuilder().sslContext(trusting(keystore, "store-pw")).build();
      HttpResponse<String> signIn =
          https.send(
              HttpRequest.newBuilder(URI.create(base + "/sign-in"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString("user=alice&password=" + enc(PASSWORD)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(signIn.statusCode()).isEqualTo(303);
      assertThat(attributes(signIn)).contains("HttpOnly", "SameSite=Strict", "Secure");
      String cookie = signIn.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
      HttpResponse<String> signOut =
          https.send(
              HttpRequest.newBuilder(URI.create(base + "/sign-out"))
                  .header("Cookie", cookie)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(attributes(signOut))
          .contains("HttpOnly", "SameSite=Strict", "Secure", "Max-Age=0");
      assertThat(d.stop()).isZero();
    }
  }

  @Test
  void behind_a_proxy_that_says_https_cookies_are_secure_and_over_plain_http_they_are_not()
      throws Exception {
    try (RunningDaemon d = RunningDaemon.start(dir, yaml())) {
      String form = "user=alice&password=" + enc(PASSWORD);
      HttpResponse<String> plain = post(d.consoleUrl() + "/sign-in", null, form);
      assertThat(attributes(plain))
          .contains("HttpOnly", "SameSite=Strict")
          .doesNotContain("Secure");
      HttpResponse<String> proxied =
          http.send(
              HttpRequest.newBuilder(URI.create(d.consoleUrl() + "/sign-in"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .header("X-Forwarded-Proto", "https")
                  .POST(HttpRequest.BodyPublishers.ofString(form))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(attributes(proxied)).contains("HttpOnly", "SameSite=Strict", "Secure");
      assertThat(d.stop()).isZero();
    }
  }

  /** The attributes of the response's Set-Cookie, without its name and value. */
  private static List<String> attributes(HttpResponse<String> r) {
    String[] parts = r.headers().firstValue("Set-Cookie").orElseThrow().split(";");
    List<String> out = new ArrayList<>();
    for (int i = 1; i < parts.length; i++) {
      out.add(parts[i].strip());
    }
    return out;
  }

  /**
   * A PKCS#12 key store with a self-signed certificate for 127.0.0.1, made by the JDK's keytool.
   */
  private static Path selfSigned(Path file, String password) throws Exception {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "console",
                "-keyalg",
                "EC",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                file.toString(),
                "-storepass",
                password)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("keytool: %s", out).isZero();
    return file;
  }

  /** TLS that trusts the certificate of that key store. */
  private static javax.net.ssl.SSLContext trusting(Path keystore, String password)
      throws Exception {
    java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
    try (var in = java.nio.file.Files.newInputStream(keystore)) {
      store.load(in, password.toCharArray());
    }
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("console", store.getCertificate("console"));
    javax.net.ssl.TrustManagerFactory tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(
            javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return ssl;
  }

  private static int rows(String page, String marker) {
    return page.split(Pattern.quote(marker), -1).length - 1;
  }
}
