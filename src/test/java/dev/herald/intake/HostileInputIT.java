package dev.herald.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.domain.FieldError;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationValidator;
import dev.herald.domain.RouteState;
import dev.herald.store.IntentStream;
import dev.herald.store.NotificationRecord;
import dev.herald.testing.Harness;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterTry;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Random and malformed notifications through both intake paths (the API that `herald submit` uses,
 * and the intents stream): no exception escapes, nothing is ever half written, and every rejection
 * names the field and the reason.
 */
class HostileInputIT {

  private static final Harness H = new Harness();
  private static final String INTENTS = H.namespace + ":intents";
  private static final String REJECTED = INTENTS + ":rejected";
  private static final IntentStream STREAM =
      H.backend.intents(
          new IntentStream.Names(INTENTS, "herald", REJECTED, 100_000), Duration.ofSeconds(1));

  @AfterContainer
  static void close() {
    H.close();
  }

  @AfterTry
  void clean() {
    H.backend.probe().deleteNamespace();
  }

  private static Intake intake() {
    return new Intake(
        H.backend.notifications(),
        () -> new NotificationValidator(Set.of("push"), 65_536),
        new NotificationIds(),
        H.clock,
        () -> Duration.ofHours(1));
  }

  @Property(tries = 150)
  void the_api_rejects_what_is_wrong_and_stores_the_rest_whole(@ForAll("documents") byte[] input) {
    List<SubmitResult> results = intake().submitJson(input);

    assertThat(results).isNotEmpty();
    for (SubmitResult r : results) {
      if (r.isRejected()) {
        assertThat(r.errors()).isNotEmpty();
        for (FieldError e : r.errors()) {
          assertThat(e.field()).isNotBlank();
          assertThat(e.reason()).isNotBlank();
        }
      } else {
        assertThat(r.outcome()).isIn(SubmitResult.Outcome.ACCEPTED, SubmitResult.Outcome.DUPLICATE);
      }
    }
    assertEveryStoredNotificationIsWhole();
  }

  @Property(tries = 100)
  void the_stream_settles_every_intent_and_rejects_with_a_reason(
      @ForAll("batches") List<byte[]> intents) {
    for (byte[] intent : intents) {
      Map<byte[], byte[]> fields = new HashMap<>();
      fields.put("intent".getBytes(StandardCharsets.UTF_8), intent);
      H.raw.xadd(
          INTENTS.getBytes(StandardCharsets.UTF_8),
          new redis.clients.jedis.params.XAddParams(),
          fields);
    }
    IntakeCycle cycle =
        new IntakeCycle(
            STREAM,
            () ->
                new IntakeCycle.Settings(
                    50,
                    Duration.ofSeconds(30),
                    Duration.ofHours(1),
                    new NotificationValidator(Set.of("push"), 65_536)),
            new NotificationIds(),
            H.clock,
            IntakeListener.NONE,
            "c1");
    STREAM.createGroup();
    int settled = 0;
    for (int n = cycle.runOnce(Duration.ZERO); n > 0; n = cycle.runOnce(Duration.ZERO)) {
      settled += n;
    }

    assertThat(settled).isEqualTo(intents.size());
    assertThat(H.raw.xlen(INTENTS)).as("settled intents are deleted").isZero();
    for (StreamEntry rejected : H.raw.xrange(REJECTED, "-", "+", 10_000)) {
      assertThat(rejected.getFields().get("reason")).isNotBlank();
      assertThat(rejected.getFields().get("source_id")).isNotBlank();
    }
    assertEveryStoredNotificationIsWhole();
  }

  /** Every notification record has all its routes, pending and scheduled; no orphans. */
  private static void assertEveryStoredNotificationIsWhole() {
    List<String> keys = new ArrayList<>();
    String cursor = "0";
    do {
      var page = H.raw.scan(cursor, new ScanParams().match(H.namespace + ":*").count(1000));
      keys.addAll(page.getResult());
      cursor = page.getCursor();
    } while (!"0".equals(cursor));
    String bodies = H.keys.notification("");
    String routes = H.keys.routes("");
    for (String key : keys) {
      if (key.startsWith(bodies)) {
        String id = key.substring(bodies.length());
        NotificationRecord record = H.backend.notifications().find(id).orElseThrow();
        assertThat(record.routes()).hasSize(record.notification().routeCount());
        assertThat(record.routes()).allMatch(r -> r.state() == RouteState.PENDING);
        assertThat(H.raw.zcount(H.keys.schedule(), "-inf", "+inf")).isPositive();
      } else if (key.startsWith(routes)) {
        String id = key.substring(routes.length());
        assertThat(H.raw.exists(H.keys.notification(id))).as("orphan routes of %s", id).isTrue();
      }
    }
  }

  // ---- generators ----

  @Provide
  Arbitrary<List<byte[]>> batches() {
    return documents().list().ofMinSize(1).ofMaxSize(8);
  }

  @Provide
  Arbitrary<byte[]> documents() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, notificationObjects().map(HostileInputIT::utf8)),
        net.jqwik.api.Tuple.of(
            1,
            notificationObjects()
                .list()
                .ofMaxSize(4)
                .map(l -> utf8("[" + String.join(",", l) + "]"))),
        net.jqwik.api.Tuple.of(
            1, notificationObjects().list().ofMaxSize(4).map(l -> utf8(String.join("\n", l)))),
        net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(200)),
        net.jqwik.api.Tuple.of(1, notificationObjects().map(s -> truncate(utf8(s)))),
        net.jqwik.api.Tuple.of(
            1,
            Arbitraries.of("null", "42", "\"text\"", "[]", "{}", "true", "")
                .map(HostileInputIT::utf8)),
        net.jqwik.api.Tuple.of(
            1, Arbitraries.integers().between(1, 3000).map(HostileInputIT::deeplyNested)));
  }

  private static byte[] truncate(byte[] bytes) {
    return java.util.Arrays.copyOf(bytes, Math.max(0, bytes.length / 2));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] deeplyNested(int depth) {
    return utf8(
        "{\"type\":\"t\",\"producer\":\"p\",\"recipients\":[\"u\"],\"channels\":[\"push\"],\"payload\":"
            + "[".repeat(depth)
            + "]".repeat(depth)
            + "}");
  }

  /** JSON objects shaped like notifications, each field valid or broken at random. */
  Arbitrary<String> notificationObjects() {
    Arbitrary<String> fields =
        Combinators.combine(
                field("type", ids()),
                field("producer", ids()),
                field("recipients", recipients()),
                field("channels", channels()),
                field("payload", payloads()),
                field("send_at", sendTimes()),
                field("max_attempts", attempts()),
                field("idempotency_key", ids()))
            .as((a, b, c, d, e, f, g, h) -> join(a, b, c, d, e, f, g, h));
    Arbitrary<String> extra =
        Arbitraries.of("", "\"sendAt\":\"2026-01-01T00:00:00Z\"", "\"type\":\"dup\"", "\"\":1");
    return Combinators.combine(fields, extra).as((f, x) -> "{" + join(f, x) + "}");
  }

  private static String join(String... parts) {
    StringBuilder out = new StringBuilder();
    for (String p : parts) {
      if (!p.isEmpty()) {
        if (out.length() > 0) {
          out.append(',');
        }
        out.append(p);
      }
    }
    return out.toString();
  }

  /** The field with a value, or (sometimes) absent. */
  private static Arbitrary<String> field(String name, Arbitrary<String> value) {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, value.map(v -> "\"" + name + "\":" + v)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just("")));
  }

  private static Arbitrary<String> ids() {
    return Arbitraries.oneOf(
        Arbitraries.strings()
            .alpha()
            .numeric()
            .withChars('-', '.', ':')
            .ofMinLength(1)
            .ofMaxLength(20)
            .map(HostileInputIT::quoted),
        Arbitraries.strings().all().ofMaxLength(30).map(HostileInputIT::quoted),
        Arbitraries.just(quoted("x".repeat(129))),
        Arbitraries.of(
            "\"\"", "\"a b\"", "\"a\\u0000b\"", "\"\\ud800\"", "\"tab\\there\"", "\"é\"", "\"🙂\""),
        Arbitraries.of(
            "5", "1e400", "-0", "true", "null", "[]", "{}", "123456789012345678901234567890"));
  }

  private static Arbitrary<String> recipients() {
    return Arbitraries.oneOf(
        ids().list().ofMaxSize(12).map(l -> "[" + String.join(",", l) + "]"),
        Arbitraries.of("[\"u-1\",\"u-1\",\"u-1\"]", "[]", "\"u-1\"", "[[\"u\"]]", "[null]"),
        Arbitraries.integers().between(9_999, 10_001).map(HostileInputIT::manyRecipients));
  }

  private static String manyRecipients(int n) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      out.append(i == 0 ? "" : ",").append("\"u").append(i % 5000).append('"');
    }
    return out.append(']').toString();
  }

  private static Arbitrary<String> channels() {
    return Arbitraries.of(
        "[\"push\"]",
        "[\"push\",\"push\"]",
        "[\"sms\"]",
        "[]",
        "\"push\"",
        "5",
        "[\"push\",7]",
        "[null]");
  }

  private static Arbitrary<String> payloads() {
    return Arbitraries.oneOf(
        Arbitraries.of("{}", "{\"turn\":42}", "null", "[1,2,3]", "1e400", "-1e-400", "\"\\u0000\""),
        Arbitraries.strings().all().ofMaxLength(100).map(s -> "{\"s\":" + quoted(s) + "}"),
        Arbitraries.integers().between(60_000, 70_000).map(n -> "\"" + "x".repeat(n) + "\""));
  }

  private static Arbitrary<String> sendTimes() {
    return Arbitraries.of(
        "\"2026-11-25T12:00:00Z\"",
        "\"2026-11-25T12:00:00+02:00\"",
        "\"tomorrow\"",
        "\"2026-13-45T99:00:00Z\"",
        "1764072000",
        "null",
        "\"+999999999-12-31T23:59:59Z\"");
  }

  private static Arbitrary<String> attempts() {
    return Arbitraries.of("5", "0", "-1", "1000", "1001", "2147483648", "1.5", "\"5\"", "null");
  }

  /** A JSON string literal of arbitrary text, escaped as JSON requires. */
  private static String quoted(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
