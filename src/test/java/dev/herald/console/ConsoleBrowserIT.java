package dev.herald.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.chaos.Fleet;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationRequest;
import dev.herald.domain.NotificationValidator;
import dev.herald.intake.Intake;
import dev.herald.intake.SubmitResult;
import dev.herald.testing.DeadLetterPlanting;
import dev.herald.testing.Harness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The console in a real headless Chromium, served by one of two running {@code herald run}
 * processes on one Redis, channels push and email. Each test saves a screenshot under
 * target/console-screenshots/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {

  private static final String PASSWORD = "night shift 3am";

  private Harness h;
  private String email;
  private Fleet fleet;
  private Browser browser;
  private String base;

  @BeforeAll
  void start(@TempDir Path dir) {
    h = new Harness(); // its clock stands at a noon past: what it submits is due at once
    email = h.namespace + ":email";
    // Dead letters first, while no process runs: 20 receipts and 5 turns, each out of attempts.
    DeadLetterPlanting planting = new DeadLetterPlanting(h);
    List<NotificationRequest.Builder> receipts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      receipts.add(Harness.notification("r-" + i).type("billing.receipt").producer("billing"));
    }
    planting.streamDown(receipts.toArray(NotificationRequest.Builder[]::new));
    List<NotificationRequest.Builder> turns = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      turns.add(Harness.notification("t-" + i));
    }
    planting.streamDown(turns.toArray(NotificationRequest.Builder[]::new));
    h.raw.del(h.stream);
    h.backend.useRecipientIndex(100, Duration.ofDays(1)); // as the fleet's config says
    fleet =
        Fleet.up(
            dir,
            2,
            h,
            String.join(
                "\n",
                "channels:",
                "  push:",
                "    stream: " + h.stream,
                "  email:",
                "    stream: " + email,
                "publisher:",
                "  poll-interval: 200ms",
                "console:",
                "  recipient-index: true",
                "  users:",
                "    - name: alice",
                "      password-hash: '" + Passwords.hash(PASSWORD.toCharArray(), 1000) + "'"));
    base = fleet.consoleUrl(0);
    browser = new Browser();
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (fleet != null) {
      fleet.close();
    }
    if (h != null) {
      h.close();
    }
  }

  private List<String> submit(int notifications, String... channels) {
    return submit(notifications, null, channels);
  }

  private List<String> submit(int notifications, java.time.Instant sendAt, String... channels) {
    Intake intake =
        new Intake(
            h.backend.notifications(),
            () -> new NotificationValidator(Set.of("push", "email"), 65_536),
            new NotificationIds(),
            h.time,
            () -> Duration.ofHours(1));
    List<NotificationRequest> batch = new ArrayList<>();
    for (int i = 0; i < notifications; i++) {
      NotificationRequest.Builder n = Harness.notification("u-" + i, "v-" + i).channels(channels);
      batch.add(sendAt == null ? n.build() : n.sendAt(sendAt).build());
    }
    List<String> ids = new ArrayList<>();
    for (SubmitResult r : intake.submit(batch)) {
      assertThat(r.outcome()).isEqualTo(SubmitResult.Outcome.ACCEPTED);
      ids.add(r.notificationId());
    }
    return ids;
  }

  private long length(String stream) {
    return h.raw.exists(stream) ? h.raw.xlen(stream) : 0;
  }

  @Test
  @Order(1)
  void the_processes_page_lists_both_running_daemons() {
    browser.open(base + "/processes");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              browser.open(base + "/processes");
              assertThat(browser.text("#process-count")).isEqualTo("2");
            });
    assertThat(browser.driver.findElements(By.cssSelector("#processes tr"))).hasSize(3);
    browser.screenshot("processes");
  }

  @Test
  @Order(2)
  void the_overview_loads_with_live_figures_and_refreshes_itself() {
    submit(50, "push");
    await().atMost(Duration.ofSeconds(20)).until(() -> length(h.stream) == 100);
    browser.open(base + "/");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(browser.text("#published").replace(",", "")).startsWith("100"));
    assertThat(browser.text("#dead")).startsWith("25");
    assertThat(browser.text("#streams")).contains(h.stream).contains("closed");
    String first = browser.find("#live").getAttribute("data-refreshed");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              String now = browser.find("#live").getAttribute("data-refreshed");
              return now != null && !now.equals(first);
            });
    browser.screenshot("overview");
  }

  @Test
  @Order(3)
  void dead_letters_filtered_requeued_after_the_dry_run_are_published() {
    browser.signIn(base, "alice", PASSWORD);
    assertThat(browser.text("#user")).isEqualTo("alice");
    browser.open(base + "/dead-letters");
    assertThat(browser.driver.findElements(By.cssSelector("#dead-letters tr"))).hasSize(26);
    browser.find("input[name=type]").sendKeys("billing.receipt");
    browser.find("#apply-filters").click();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(browser.driver.findElements(By.cssSelector("#dead-letters tr")))
                    .hasSize(21));
    browser.screenshot("dead-letters");
    long before = length(h.stream);

    browser.find("#requeue-matching").click();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(browser.text("#dry-run-count")).isEqualTo("20"));
    assertThat(length(h.stream)).isEqualTo(before); // a dry run changes nothing
    browser.screenshot("dead-letters-dry-run");
    browser.find("#confirm").click();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              browser.open(browser.driver.getCurrentUrl());
              assertThat(browser.text("#job-state")).isEqualTo("done");
              assertThat(browser.text("#job-changed")).isEqualTo("20");
            });
    browser.screenshot("dead-letters-requeued");
    await().atMost(Duration.ofSeconds(20)).until(() -> length(h.stream) == before + 20);
    assertThat(h.raw.zcard(h.keys.deadLetters())).isEqualTo(5); // the turns stay
  }

  @Test
  @Order(4)
  void a_paused_channel_stops_while_the_others_flow_and_resumes() throws Exception {
    browser.open(base + "/channels");
    browser.find("#pause-email").click();
    browser.driver.switchTo().alert().accept();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(browser.text("#channel-email .state"))
                    .contains("paused")
                    .contains("console:alice"));
    long pushBefore = length(h.stream);

    submit(30, "push", "email");
    await().atMost(Duration.ofSeconds(20)).until(() -> length(h.stream) == pushBefore + 60);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> length(email) == 0);
    browser.open(base + "/channels");
    browser.screenshot("channels-paused");

    browser.find("#resume-email").click();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(browser.text("#channel-email .state")).contains("flowing"));
    await().atMost(Duration.ofSeconds(20)).until(() -> length(email) == 60);
  }

  @Test
  @Order(5)
  void a_recipients_notifications_are_found_from_the_lookup_form() {
    List<String> ids = submit(3, "push", "email");
    browser.open(base + "/notifications");
    browser.find("#recipient").sendKeys("u-1");
    browser.find("#find").click();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(browser.text("#recipient-summary")).contains("of recipient u-1"));
    String table = browser.text("#recipient-notifications");
    assertThat(table).contains(ids.get(1)).doesNotContain(ids.get(0)).contains("push");
    browser.screenshot("recipient-lookup");
    browser.driver.findElement(By.linkText(ids.get(1))).click();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(browser.text("#routes")).contains("push:u-1"));
    assertThat(browser.text("#routes")).contains("email:u-1").contains("push:v-1");
  }

  @Test
  @Order(6)
  void the_scheduled_page_shows_a_window_of_due_times_from_its_presets_and_its_fields() {
    java.time.Instant now = java.time.Instant.now();
    List<String> soon = submit(2, now.plus(Duration.ofMinutes(10)), "push");
    List<String> later = submit(1, now.plus(Duration.ofHours(2)), "push");
    browser.open(base + "/scheduled");
    browser.find("#preset-next-15-min").click();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(browser.text("#scheduled")).contains(soon.get(0)));
    assertThat(browser.text("#scheduled")).contains(soon.get(1)).doesNotContain(later.get(0));
    assertThat(browser.find("#window-to").getAttribute("value")).isEqualTo("15m");
    browser.screenshot("scheduled-window");

    browser.find("#window-from").clear();
    browser.find("#window-from").sendKeys("+1h");
    browser.find("#window-to").clear();
    browser.find("#window-to").sendKeys("+3h");
    browser.find("#apply-window").click();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(browser.text("#scheduled")).contains(later.get(0)));
    assertThat(browser.text("#scheduled")).doesNotContain(soon.get(0));
    assertThat(browser.text("#window-shown")).contains("from").contains("to");
  }
}
