package dev.herald.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationValidator;
import dev.herald.intake.Intake;
import dev.herald.spool.Spool;
import dev.herald.spool.SpoolListener;
import dev.herald.spool.SpoolOptions;
import dev.herald.spool.SpoolReplayer;
import dev.herald.store.NotificationStore;
import dev.herald.store.redis.RedisBackend;
import dev.herald.testing.Harness;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.RedisTestSupport;
import dev.herald.testing.ReplyLosingProxy;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API over real HTTP, on a real Redis of its own (which the tests stop): every status it
 * answers, arrays with partial failures, tokens bound to producers, and every answer checked
 * against the OpenAPI document.
 */
class ApiIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GAME_TOKEN = "t-game-" + "x".repeat(20);
  private static final String CHAT_TOKEN = "t-chat-" + "y".repeat(20);

  private static RedisServerProcess redis;
  private static Harness h;
  private static Path dir;
  private static Spool spool;
  private static SpoolReplayer replayer;
  private static ApiServer server;
  private static ApiClient game;
  private static final AtomicInteger refused = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServerProcess.start("--save", "", "--appendonly", "no");
    h = Harness.realTime(redis.url());
    dir = Files.createTempDirectory("herald-api-");
    SpoolListener counting =
        new SpoolListener() {
          @Override
          public void onRefused(String reason) {
            refused.incrementAndGet();
          }
        };
    spool = Spool.open(options(dir.resolve("spool"), 1L << 30), Clock.systemUTC(), counting);
    Intake intake = intake(h.backend.notifications());
    replayer = new SpoolReplayer(spool, intake, counting);
    replayer.start();
    server =
        serve(intake.withSpool(spool, Duration.ofMillis(300)), h.backend.notifications(), 4096);
    game = new ApiClient(base(server), GAME_TOKEN);
  }

  static SpoolOptions options(Path dir, long maxBytes) {
    return new SpoolOptions(
        dir,
        maxBytes,
        SpoolOptions.Fsync.BATCH,
        Duration.ofSeconds(1),
        1L << 20,
        Duration.ofMillis(100),
        10_000,
        100);
  }

  static Intake intake(NotificationStore store) {
    return new Intake(
        store,
        () -> new NotificationValidator(h.channels.names(), 65_536),
        new NotificationIds(),
        Clock.systemUTC(),
        () -> Duration.ofHours(1));
  }

  static ApiServer serve(Intake intake, NotificationStore store, long maxBody) throws Exception {
    return ApiServer.start(
        new ApiServer.Settings(new InetSocketAddress("127.0.0.1", 0), null, null, maxBody, 3, 16),
        new Tokens(
            List.of(
                new Tokens.Entry("game-engine", Tokens.hash(GAME_TOKEN)),
                new Tokens.Entry("chat", Tokens.hash(CHAT_TOKEN)))),
        intake,
        store,
        () -> 5,
        ApiListener.NONE);
  }

  static String base(ApiServer s) {
    return "http://127.0.0.1:" + s.address().getPort();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      OpenApiCheck check = new OpenApiCheck();
      List<String> problems = new ArrayList<>();
      Set<Integer> statuses = new TreeSet<>();
      for (ApiClient.Answer a : ApiClient.SEEN) {
        problems.addAll(check.problems(a));
        statuses.add(a.status());
      }
      assertThat(problems).as("answers that do not match the OpenAPI document").isEmpty();
      assertThat(statuses)
          .as("statuses seen (and checked)")
          .containsAll(List.of(200, 201, 202, 207, 400, 401, 403, 404, 413, 503, 504));
    } finally {
      server.close();
      replayer.stop(Duration.ofSeconds(2));
      spool.close();
      h.close();
      redis.close();
    }
  }

  static String notification(String extra) {
    return "{\"type\":\"game.turn_ready\",\"recipients\":[\"u-1\",\"u-2\"],\"channels\":[\"push\"],"
        + "\"payload\":{\"turn\":42}"
        + extra
        + "}";
  }

  static JsonNode body(ApiClient.Answer a) throws Exception {
    return JSON.readTree(a.body());
  }

  @Test
  void a_notification_is_201_its_repeat_200_and_it_reads_back_as_routes_show_prints_it()
      throws Exception {
    ApiClient.Answer created = game.post(notification(""), "Idempotency-Key", "turn-42");
    assertThat(created.status()).isEqualTo(201);
    String id = body(created).get("notification_id").asText();
    assertThat(created.header("Location")).isEqualTo("/v1/notifications/" + id);
    assertThat(body(created).get("outcome").asText()).isEqualTo("accepted");

    ApiClient.Answer again = game.post(notification(""), "Idempotency-Key", "turn-42");
    assertThat(again.status()).isEqualTo(200);
    assertThat(body(again).get("outcome").asText()).isEqualTo("duplicate");
    assertThat(body(again).get("notification_id").asText()).isEqualTo(id);

    ApiClient.Answer shown = game.show(id.toLowerCase());
    assertThat(shown.status()).isEqualTo(200);
    JsonNode view = body(shown);
    assertThat(view.get("producer").asText()).isEqualTo("game-engine"); // from the token
    assertThat(view.get("idempotency_key").asText()).isEqualTo("turn-42"); // from the header
    assertThat(view.get("routes")).hasSize(2);
    assertThat(view)
        .isEqualTo(
            JSON.readTree(
                NotificationView.json(h.backend.notifications().find(id).orElseThrow(), 5)));
  }

  @Test
  void an_invalid_notification_is_400_with_every_field_in_the_words_of_the_cli() throws Exception {
    ApiClient.Answer a =
        game.post(
            "{\"type\":\"t\",\"recipients\":[\"u 1\"],\"channels\":[\"sms\"],\"sendAt\":1,"
                + "\"max_attempts\":0}");
    assertThat(a.status()).isEqualTo(400);
    assertThat(body(a).get("outcome").asText()).isEqualTo("rejected");
    List<String> errors = new ArrayList<>();
    body(a)
        .get("errors")
        .forEach(e -> errors.add(e.get("field").asText() + ": " + e.get("reason").asText()));
    assertThat(errors)
        .containsExactly(
            "sendAt: unknown field (allowed: channels, expires_at, idempotency_key, max_attempts,"
                + " payload, producer, recipients, request_id, send_at, trace_id, type)",
            "recipients[0]: contains whitespace at position 1 ('u 1')",
            "channels[0]: unknown channel 'sms' (configured: push)",
            "max_attempts: must be between 1 and 1000 (was 0)");
    ApiClient.Answer fields =
        game.post(
            "{\"type\":\"t\",\"recipients\":[\"u 1\"],\"channels\":[\"sms\"],\"max_attempts\":0}");
    List<String> all = new ArrayList<>();
    body(fields)
        .get("errors")
        .forEach(e -> all.add(e.get("field").asText() + ": " + e.get("reason").asText()));
    assertThat(all)
        .containsExactly(
            "recipients[0]: contains whitespace at position 1 ('u 1')",
            "channels[0]: unknown channel 'sms' (configured: push)",
            "max_attempts: must be between 1 and 1000 (was 0)");
    assertThat(game.post("{\"type\":").status()).isEqualTo(400);
    assertThat(game.post(notification("") + notification("")).status()).isEqualTo(400);
    assertThat(game.show("not-an-id").status()).isEqualTo(400);
  }

  @Test
  void an_array_answers_each_notification_and_207_when_their_outcomes_differ() throws Exception {
    ApiClient.Answer mixed =
        game.post(
            "["
                + notification("")
                + ",{\"type\":\"t\",\"recipients\":[],\"channels\":[\"push\"]},"
                + notification("")
                + "]");
    assertThat(mixed.status()).isEqualTo(207);
    JsonNode results = body(mixed).get("results");
    assertThat(results).hasSize(3);
    assertThat(results.get(0).get("status").asInt()).isEqualTo(201);
    assertThat(results.get(1).get("status").asInt()).isEqualTo(400);
    assertThat(results.get(1).get("errors").get(0).get("field").asText()).isEqualTo("recipients");
    assertThat(results.get(2).get("status").asInt()).isEqualTo(201);
    assertThat(results.get(2).get("index").asInt()).isEqualTo(2);

    ApiClient.Answer all = game.post("[" + notification("") + "," + notification("") + "]");
    assertThat(all.status()).isEqualTo(201);
    assertThat(game.post("[" + notification("") + "]", "Idempotency-Key", "k").status())
        .isEqualTo(400);
  }

  @Test
  void a_token_submits_sees_and_cancels_as_its_own_producer_only() throws Exception {
    assertThat(game.as(null).post(notification("")).status()).isEqualTo(401);
    ApiClient.Answer wrong = game.as("not-a-token").post(notification(""));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.header("WWW-Authenticate")).startsWith("Bearer");
    ApiClient.Answer foreign = game.post(notification(",\"producer\":\"chat\""));
    assertThat(foreign.status()).isEqualTo(403);
    assertThat(body(foreign).get("errors").get(0).get("reason").asText())
        .contains("submits as producer 'game-engine' only");
    ApiClient.Answer own = game.post(notification(",\"producer\":\"game-engine\""));
    assertThat(own.status()).isEqualTo(201);
    String id = body(own).get("notification_id").asText();
    ApiClient chat = game.as(CHAT_TOKEN);
    assertThat(chat.show(id).status()).isEqualTo(404);
    assertThat(chat.cancel(id).status()).isEqualTo(404);
    assertThat(h.backend.notifications().find(id).orElseThrow().routes())
        .allMatch(r -> r.state().toString().equals("PENDING"));
  }

  @Test
  void cancel_cancels_every_route_not_published_and_twice_is_harmless() throws Exception {
    String id = body(game.post(notification(""))).get("notification_id").asText();
    ApiClient.Answer first = game.cancel(id);
    assertThat(first.status()).isEqualTo(200);
    assertThat(body(first).get("cancelled").asInt()).isEqualTo(2);
    assertThat(body(game.cancel(id)).get("cancelled").asInt()).isZero();
    assertThat(game.cancel("01M8RG0TK1YSCDCZJN1TN6FPPD").status()).isEqualTo(404);
    assertThat(game.show("01M8RG0TK1YSCDCZJN1TN6FPPD").status()).isEqualTo(404);
  }

  @Test
  void too_large_a_body_or_batch_is_413() throws Exception {
    String big = notification(",\"payload\":\"" + "x".repeat(5000) + "\"");
    assertThat(game.post(big).status()).isEqualTo(413);
    String four =
        "["
            + String.join(
                ",", notification(""), notification(""), notification(""), notification(""))
            + "]";
    ApiClient.Answer batch = game.post(four);
    assertThat(batch.status()).isEqualTo(413);
    assertThat(body(batch).get("errors").get(0).get("reason").asText())
        .contains("api.max-batch (3)");
    assertThat(game.get("/v1/nothing").status()).isEqualTo(404);
    assertThat(game.get("/v1/openapi.json").status()).isEqualTo(200);
  }

  @Test
  void while_redis_is_down_a_notification_is_202_from_the_spool_and_stored_once_when_it_returns()
      throws Exception {
    redis.kill();
    try {
      ApiClient.Answer spooled = game.post(notification(""), "Idempotency-Key", "down-1");
      assertThat(spooled.status()).isEqualTo(202);
      assertThat(body(spooled).get("outcome").asText()).isEqualTo("spooled");
      String id = body(spooled).get("notification_id").asText();
      ApiClient.Answer array = game.post("[" + notification("") + "," + notification("") + "]");
      assertThat(array.status()).isEqualTo(202);
      // Spooled, not in Redis: GET says so (it used to be 404, or 503 while Redis was down).
      ApiClient.Answer shown = game.show(id);
      assertThat(shown.status()).isEqualTo(202);
      assertThat(body(shown).get("status").asText()).isEqualTo("spooled");
      assertThat(body(shown).get("route_ids")).hasSize(2);
      assertThat(body(shown).get("cancel_spooled").asBoolean()).isFalse();
      // Another producer's token is not shown it: it asks Redis, which is down.
      assertThat(new ApiClient(base(server), CHAT_TOKEN).show(id).status()).isEqualTo(503);
      // A cancel waits in the spool behind it, twice harmlessly.
      String cancelled = body(array).get("results").get(1).get("notification_id").asText();
      ApiClient.Answer cancel = game.cancel(cancelled);
      assertThat(cancel.status()).isEqualTo(202);
      assertThat(body(cancel).get("status").asText()).isEqualTo("cancel_spooled");
      assertThat(game.cancel(cancelled).status()).isEqualTo(202);
      assertThat(body(game.show(cancelled)).get("cancel_spooled").asBoolean()).isTrue();
      assertThat(spool.figures().records()).isEqualTo(4);

      redis.startAgain();
      await().atMost(Duration.ofSeconds(20)).until(() -> spool.figures().records() == 0);
      assertThat(h.backend.notifications().find(id)).isPresent();
      assertThat(game.show(id).status()).isEqualTo(200);
      assertThat(h.backend.notifications().find(cancelled).orElseThrow().routes())
          .allMatch(r -> r.state().toString().equals("CANCELLED"));
      // Back to Redis directly once the spool is empty.
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> game.post(notification("")).status() == 201);
      ApiClient.Answer again = game.post(notification(""), "Idempotency-Key", "down-1");
      assertThat(again.status()).isEqualTo(200);
      assertThat(body(again).get("notification_id").asText()).isEqualTo(id);
    } finally {
      if (spool.figures().records() > 0) {
        redis.startAgain();
      }
    }
  }

  @Test
  void neither_redis_nor_the_spool_is_503_with_retry_after_or_504_when_redis_may_have_it()
      throws Exception {
    Path full = dir.resolve("full");
    try (ReplyLosingProxy proxy = ReplyLosingProxy.to(redis.port());
        RedisBackend viaProxy =
            RedisTestSupport.backend(
                proxy.url(), h.namespace, Clock.systemUTC(), RedisTestSupport.RETENTION);
        Spool tiny = Spool.open(options(full, 10), Clock.systemUTC(), countingRefusals())) {
      ApiServer s =
          serve(
              intake(viaProxy.notifications()).withSpool(tiny, Duration.ofMillis(200)),
              viaProxy.notifications(),
              4096);
      try {
        ApiClient c = new ApiClient(base(s), GAME_TOKEN);
        int before = refused.get();
        proxy.loseScriptReplies(true);
        ApiClient.Answer unknown = c.post(notification(""));
        assertThat(unknown.status()).isEqualTo(504);
        assertThat(body(unknown).get("outcome").asText()).isEqualTo("unknown");
        assertThat(unknown.header("Location")).isNotNull();
        assertThat(unknown.header("Retry-After")).isNull();
        proxy.loseScriptReplies(false);
        s.close();
        // Straight to Redis now: through the proxy, a dead Redis reads as a lost reply.
        s =
            serve(
                intake(h.backend.notifications()).withSpool(tiny, Duration.ofMillis(200)),
                h.backend.notifications(),
                4096);
        c = new ApiClient(base(s), GAME_TOKEN);
        redis.kill();
        // Pooled connections that Redis's death closed read as lost replies (504) until the pool
        // has dropped them; then nothing can be sent at all: 503.
        ApiClient.Answer unavailable = c.post(notification(""));
        for (int i = 0; i < 30 && unavailable.status() == 504; i++) {
          unavailable = c.post(notification(""));
        }
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.header("Retry-After")).isEqualTo("2");
        assertThat(body(unavailable).get("outcome").asText()).isEqualTo("unavailable");
        assertThat(refused.get() - before).isGreaterThanOrEqualTo(2);
      } finally {
        s.close();
        redis.startAgain();
      }
    }
  }

  private static SpoolListener countingRefusals() {
    return new SpoolListener() {
      @Override
      public void onRefused(String reason) {
        refused.incrementAndGet();
      }
    };
  }
}
