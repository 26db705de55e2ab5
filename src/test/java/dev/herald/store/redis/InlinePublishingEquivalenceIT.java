package dev.herald.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.domain.Channel;
import dev.herald.domain.Channels;
import dev.herald.domain.GatewayEvent.EventTemplate;
import dev.herald.domain.Notification;
import dev.herald.domain.NotificationIds;
import dev.herald.publish.EventEncoder;
import dev.herald.store.ClaimRequest;
import dev.herald.store.ClaimedBatch;
import dev.herald.store.ClaimedNotification;
import dev.herald.store.ClaimedRoute;
import dev.herald.store.CompletionReport;
import dev.herald.store.RouteOutcome;
import dev.herald.testing.Harness;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import redis.clients.jedis.Protocol;

/**
 * Inline publishing writes what the normal path writes: the same notification stored in two
 * namespaces, published inline by the claim in one and leased, encoded by {@link EventEncoder} and
 * completed in the other, leaves the same stream entries, byte for byte and field for field, and
 * the same route states, counters and figures (entry ids aside).
 */
class InlinePublishingEquivalenceIT {

  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final List<String> CHANNELS = List.of("push", "email", "sms");

  private static Harness inline;
  private static Harness normal;
  private static long tries;

  @BeforeContainer
  static void start() {
    inline = new Harness();
    normal = new Harness();
  }

  @AfterContainer
  static void stop() {
    inline.close();
    normal.close();
  }

  /** A notification as a producer might send it, ids and payload full of awkward characters. */
  record Sample(
      String type,
      List<String> recipients,
      List<String> channels,
      String payload,
      String requestId,
      String traceId,
      Integer maxAttempts,
      boolean expires) {}

  @Property(tries = 200)
  void a_route_published_inline_leaves_what_the_normal_path_leaves(@ForAll("samples") Sample s)
      throws Exception {
    tries++;
    Instant now = inline.clock.instant();
    Notification n =
        new Notification(
            new NotificationIds().next(now),
            s.type(),
            "producer-\"\\" + tries,
            null,
            s.recipients(),
            s.channels(),
            s.payload(),
            s.requestId(),
            s.traceId(),
            now,
            s.maxAttempts(),
            now,
            s.expires() ? now.plus(Duration.ofHours(1)) : null);
    for (Harness h : List.of(inline, normal)) {
      for (Channel c : channels(h)) {
        h.raw.del(c.stream());
      }
      h.backend.notifications().accept(List.of(n), now, Duration.ofHours(1));
    }
    Map<String, String> statsBefore = stats(inline);

    ClaimedBatch published =
        inline
            .backend
            .routes()
            .claimDue(
                ClaimRequest.of(now, LEASE, "i." + tries, 100)
                    .withMaxBytes(1 << 22)
                    .withInline(channels(inline)));
    assertThat(published.routeCount()).as("leased").isZero();
    assertThat(published.published()).hasSize(n.routeCount());

    ClaimedBatch leased =
        normal
            .backend
            .routes()
            .claimDue(ClaimRequest.of(now, LEASE, "n." + tries, 100).withMaxBytes(1 << 22));
    CompletionReport report =
        normal.backend.routes().complete("n." + tries, now, publishAll(leased, normal));
    assertThat(report.results())
        .allSatisfy(r -> assertThat(r.status()).isEqualTo(CompletionReport.Status.PUBLISHED));

    for (int c = 0; c < CHANNELS.size(); c++) {
      assertThat(entries(inline, channels(inline).get(c).stream()))
          .as("entries of channel %s", CHANNELS.get(c))
          .isEqualTo(entries(normal, channels(normal).get(c).stream()));
    }
    assertThat(routeHash(inline, n.id())).isEqualTo(routeHash(normal, n.id()));
    assertThat(inline.raw.zscore(inline.keys.retention(), n.id()))
        .isEqualTo(normal.raw.zscore(normal.keys.retention(), n.id()));
    assertThat(scheduled(inline, n.id())).isEmpty();
    assertThat(scheduled(normal, n.id())).isEmpty();
    assertThat(stats(inline)).isEqualTo(stats(normal));
    assertThat(inline.raw.hgetAll(inline.keys.typeFigures()))
        .isEqualTo(normal.raw.hgetAll(normal.keys.typeFigures()));
    assertThat(Long.parseLong(stats(inline).get("published")))
        .isEqualTo(Long.parseLong(statsBefore.getOrDefault("published", "0")) + n.routeCount());
  }

  private static List<Channel> channels(Harness h) {
    List<Channel> channels = new ArrayList<>();
    for (String name : CHANNELS) {
      channels.add(new Channel(name, h.namespace + ":" + name, 1000));
    }
    return channels;
  }

  private static List<RouteOutcome> publishAll(ClaimedBatch batch, Harness h) throws Exception {
    EventEncoder encoder = new EventEncoder(new Channels(channels(h)));
    List<RouteOutcome> outcomes = new ArrayList<>();
    for (ClaimedNotification claimed : batch.notifications()) {
      EventTemplate template = encoder.template(claimed.notification());
      for (ClaimedRoute r : claimed.routes()) {
        outcomes.add(
            new RouteOutcome.Publish(
                r, encoder.event(template, claimed.notification(), r.index()), h.clock.instant()));
      }
    }
    return outcomes;
  }

  /** Each entry's fields in order, every byte kept (ISO-8859-1 maps bytes to chars one to one). */
  private static List<List<String>> entries(Harness h, String stream) {
    List<List<String>> entries = new ArrayList<>();
    for (Object entry : (List<?>) h.raw.sendCommand(Protocol.Command.XRANGE, stream, "-", "+")) {
      List<String> fields = new ArrayList<>();
      for (Object field : (List<?>) ((List<?>) entry).get(1)) {
        fields.add(new String((byte[]) field, StandardCharsets.ISO_8859_1));
      }
      entries.add(fields);
    }
    return entries;
  }

  /**
   * The route hash, entry ids cut off the published states, and without the empty lease fields a
   * completion leaves (an empty field is no lease).
   */
  /**
   * The route hash with entry ids left out (the streams are compared already), and the routes the
   * inline claim wrote packed (stored format 4) read as the per-route fields they stand for.
   */
  private static Map<String, String> routeHash(Harness h, String id) {
    Map<String, String> hash = new TreeMap<>();
    RouteStateCodec.withPublished(h.raw.hgetAll(h.keys.routes(id)))
        .forEach(
            (field, value) -> {
              if (!(field.startsWith("L") && value.isEmpty())) {
                hash.put(
                    field,
                    value.startsWith("s|") ? value.substring(0, value.lastIndexOf('|')) : value);
              }
            });
    return hash;
  }

  /** The notification's schedule entries, one per group still scheduled. */
  private static List<String> scheduled(Harness h, String id) {
    return h.raw.zrange(h.keys.schedule(), 0, -1).stream()
        .filter(member -> member.startsWith(id + ":"))
        .toList();
  }

  private static Map<String, String> stats(Harness h) {
    return new TreeMap<>(h.raw.hgetAll(h.keys.stats()));
  }

  /**
   * Text full of what JSON and Lua handle differently: quotes, backslashes, control characters, a
   * text that looks like a \\u escape, accents, CJK, emoji and other astral-plane characters.
   */
  private static Arbitrary<String> awkward(int minLength, int maxLength) {
    Arbitrary<String> pieces =
        Arbitraries.oneOf(
            Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(4),
            Arbitraries.of(
                "\"",
                "\\",
                "\\\"",
                "\\u00e9",
                "\\n",
                "/",
                "'",
                "é",
                "ü",
                "日本",
                "😀",
                "𝄞",
                "🇫🇷",
                "\u0000",
                "\u0001",
                "\n",
                "\t",
                "\u001f",
                "\u007f",
                "\u2028",
                "\ufeff",
                "<&>",
                "{\"x\":1}"),
            Arbitraries.strings()
                .withCharRange('\u0000', '\uffff')
                .ofLength(1)
                .filter(t -> !Character.isSurrogate(t.charAt(0))));
    return pieces.list().ofMinSize(minLength).ofMaxSize(maxLength).map(l -> String.join("", l));
  }

  /** An id for a route: no whitespace, since ids become parts of keys in the real intake. */
  private static Arbitrary<String> id() {
    return awkward(1, 6).filter(t -> !t.isEmpty() && t.chars().noneMatch(Character::isWhitespace));
  }

  /** A JSON payload: a string value escaped by hand, some characters as \\u escapes. */
  private static Arbitrary<String> payload() {
    return Combinators.combine(
            awkward(0, 40), Arbitraries.integers().between(1, 60), Arbitraries.randomValue(r -> r))
        .as(
            (text, repeat, random) -> {
              StringBuilder json = new StringBuilder("{\"text\":\"");
              String body = text.repeat(repeat);
              for (int i = 0; i < body.length(); i++) {
                char ch = body.charAt(i);
                if (ch == '"' || ch == '\\') {
                  json.append('\\').append(ch);
                } else if (ch < 0x20 || random.nextInt(8) == 0) {
                  json.append(String.format("\\u%04x", (int) ch));
                } else {
                  json.append(ch);
                }
              }
              return json.append("\",\"n\":").append(repeat).append('}').toString();
            });
  }

  @Provide
  Arbitrary<Sample> samples() {
    return Combinators.combine(
            id(),
            // Mostly a few recipients; now and then enough for two groups of 64 routes (up to
            // 99: the claims below take 100), whose second the claim takes in a route hash the
            // first one wrote.
            Arbitraries.frequencyOf(
                Tuple.of(4, id().list().uniqueElements().ofMinSize(1).ofMaxSize(4)),
                Tuple.of(1, id().list().uniqueElements().ofMinSize(22).ofMaxSize(33))),
            Arbitraries.subsetOf(CHANNELS).ofMinSize(1).map(List::copyOf),
            payload(),
            id().injectNull(0.4),
            id().injectNull(0.4),
            Arbitraries.integers().between(1, 9).injectNull(0.5),
            Arbitraries.of(false, true))
        .as(Sample::new);
  }
}
