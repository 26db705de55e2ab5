package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
 * The console's lookups and bulk options over HTTP: a notification by recipient (and what the page
 * says while the index is off), the Scheduled page's window, and a requeue with a limit, a due time
 * and a rate.
 */
class ConsoleLookupIT {

  private static final String PASSWORD = "correct horse battery staple";

  @TempDir Path dir;
  private final Harness h = new Harness();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void close() {
    h.close();
  }

  private String yaml(String... console) {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "ops:",
                "  listen: 127.0.0.1:0",
                "api:",
                "  listen: 'off'",
                "console:",
                "  listen: 127.0.0.1:0",
                "  users:",
                "    - name: alice",
                "      password-hash: '" + Passwords.hash(PASSWORD.toCharArray(), 1000) + "'"));
    lines.addAll(List.of(console));
    return h.configOn(TestRedis.heraldUrl(), lines.toArray(String[]::new));
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void while_the_index_is_off_the_recipient_lookup_says_how_to_turn_it_on() throws Exception {
    h.submit(Harness.notification("u-1").build());
    try (RunningDaemon d = RunningDaemon.start(dir, yaml())) {
      HttpResponse<String> page = get(d.consoleUrl() + "/notifications?recipient=u-1");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body())
          .contains("id=recipient-index-off")
          .contains("console.recipient-index: true")
          .doesNotContain("id=recipient-notifications");
      assertThat(d.stop()).isZero();
    }
  }

  @Test
  void with_the_index_on_a_recipients_notifications_are_listed_newest_first_with_their_routes()
      throws Exception {
    h.backend.useRecipientIndex(100, Duration.ofDays(1)); // as the daemon's config says
    Instant later = Instant.now().plus(Duration.ofHours(1));
    String first = h.submit(Harness.notification("u-7", "u-8").sendAt(later).build()).get(0);
    h.clock.advance(Duration.ofSeconds(1));
    String second = h.submit(Harness.notification("u-7").sendAt(later).build()).get(0);
    String other = h.submit(Harness.notification("u-9").sendAt(later).build()).get(0);
    try (RunningDaemon d =
        RunningDaemon.start(dir, yaml("  recipient-index: true", "  recipient-index-max: 100"))) {
      String page = get(d.consoleUrl() + "/notifications?recipient=u-7").body();
      assertThat(page).contains("id=recipient-notifications").contains("2 notification(s)");
      assertThat(page.indexOf(second)).isPositive().isLessThan(page.indexOf(first));
      assertThat(page).doesNotContain(other).contains("push pending");
      assertThat(get(d.consoleUrl() + "/notifications?recipient=nobody").body())
          .contains("0 notification(s)");
      assertThat(d.stop()).isZero();
    }
  }

  @Test
  void the_scheduled_window_shows_only_what_falls_due_in_it_and_pages_within_it() throws Exception {
    Instant now = Instant.now();
    List<String> soon = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      soon.add(
          h.submit(Harness.notification("s-" + i).sendAt(now.plus(Duration.ofMinutes(10))).build())
              .get(0));
    }
    String inTwoHours =
        h.submit(Harness.notification("late").sendAt(now.plus(Duration.ofHours(2))).build()).get(0);
    try (RunningDaemon d = RunningDaemon.start(dir, yaml())) {
      String base = d.consoleUrl();
      String window = get(base + "/scheduled?from=now&to=15m").body();
      assertThat(window).contains("id=window-shown").doesNotContain(inTwoHours);
      assertThat(rows(window)).isEqualTo(50);
      Matcher next = Pattern.compile("id=next-page href='([^']+)'").matcher(window);
      assertThat(next.find()).isTrue();
      String second = get(base + next.group(1).replace("&amp;", "&")).body();
      assertThat(rows(second)).isEqualTo(10);
      assertThat(second).doesNotContain(inTwoHours).doesNotContain("id=next-page");
      List<String> seen = new ArrayList<>();
      for (String id : soon) {
        if (window.contains(id) || second.contains(id)) {
          seen.add(id);
        }
      }
      assertThat(seen).hasSize(60);

      String later = get(base + "/scheduled?from=" + enc("+1h") + "&to=" + enc("+3h")).body();
      assertThat(later).contains(inTwoHours);
      assertThat(rows(later)).isEqualTo(1);
      String overdue = get(base + "/scheduled?to=now").body();
      assertThat(overdue).contains("nothing scheduled in this window");
      String local =
          get(base
                  + "/scheduled?from=2020-01-01T00:00&to="
                  + enc(now.plusSeconds(7200 + 60).toString()))
              .body();
      assertThat(rows(local)).isEqualTo(50);
      HttpResponse<String> bad = get(base + "/scheduled?from=tomorrow");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("from: must be a UTC time");
      assertThat(get(base + "/scheduled?from=now&to=-1h").statusCode()).isEqualTo(400);
      assertThat(d.stop()).isZero();
    }
  }

  @Test
  void a_console_requeue_acts_on_at_most_its_limit_due_when_it_says_at_its_rate() throws Exception {
    List<NotificationRequest.Builder> dead = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      dead.add(Harness.notification("d-" + i));
    }
    new DeadLetterPlanting(h).streamDown(dead.toArray(NotificationRequest.Builder[]::new));
    try (RunningDaemon d = RunningDaemon.start(dir, yaml())) {
      String base = d.consoleUrl();
      HttpResponse<String> signIn =
          post(base + "/sign-in", null, "user=alice&password=" + enc(PASSWORD));
      String cookie = signIn.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
      String confirm = getWith(base + "/dead-letters/confirm?action=requeue&all=1", cookie).body();
      assertThat(confirm).contains("id=dry-run-count>8<").contains("id=requeue-options");
      assertThat(confirm).contains("name=rate").contains("name=at").contains("name=limit");
      Matcher csrf = Pattern.compile("name=csrf value='([^']+)'").matcher(confirm);
      assertThat(csrf.find()).isTrue();
      Instant before = Instant.now();
      HttpResponse<String> run =
          post(
              base + "/dead-letters/run",
              cookie,
              "action=requeue&all=1&expected=8&limit=3&at=1h&rate=2&csrf=" + enc(csrf.group(1)));
      assertThat(run.statusCode()).isEqualTo(303);
      String job = base + run.headers().firstValue("Location").orElseThrow();
      assertThat(getWith(job, cookie).body()).contains("at most 3").contains("routes/s");
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> assertThat(getWith(job, cookie).body()).contains("id=job-state class=ok>done"));
      Instant after = Instant.now();
      assertThat(getWith(job, cookie).body()).contains("id=job-changed>3<");
      assertThat(h.raw.zcard(h.keys.deadLetters())).isEqualTo(5);
      // Due in an hour, not now; paced at 2/s, three routes take at least a second.
      List<redis.clients.jedis.resps.Tuple> due = h.raw.zrangeWithScores(h.keys.schedule(), 0, -1);
      assertThat(due).hasSize(3);
      for (redis.clients.jedis.resps.Tuple t : due) {
        assertThat((long) t.getScore())
            .isBetween(
                before.plus(Duration.ofMinutes(59)).toEpochMilli(),
                after.plus(Duration.ofMinutes(61)).toEpochMilli());
      }
      assertThat(Duration.between(before, after)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
      HttpResponse<String> badRate =
          post(
              base + "/dead-letters/run",
              cookie,
              "action=requeue&all=1&expected=5&rate=fast&csrf=" + enc(csrf.group(1)));
      assertThat(badRate.statusCode()).isEqualTo(400);
      assertThat(badRate.body()).contains("rate: must be a whole number");
      assertThat(d.stop()).isZero();
    }
  }

  private HttpResponse<String> getWith(String url, String cookie) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookie).build(),
        HttpResponse.BodyHandlers.ofString());
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

  private static int rows(String page) {
    return page.split(Pattern.quote("<tr><td"), -1).length - 1;
  }
}
