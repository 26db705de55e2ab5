package dev.herald.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.domain.Channel;
import dev.herald.domain.Channels;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationValidator;
import dev.herald.domain.RouteState;
import dev.herald.publish.EventEncoder;
import dev.herald.publish.PublishCycle;
import dev.herald.publish.PublisherListener;
import dev.herald.store.CancelledRoutes;
import dev.herald.store.IntakeSnapshot;
import dev.herald.store.Intent;
import dev.herald.store.IntentDecision;
import dev.herald.store.IntentResult;
import dev.herald.store.IntentStream;
import dev.herald.store.RejectedIntent;
import dev.herald.store.RouteRecord;
import dev.herald.store.StoreException;
import dev.herald.store.redis.RedisBackend;
import dev.herald.testing.Harness;
import dev.herald.testing.RedisTestSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/** Intake from the intents stream on a real Redis, a cycle at a time. */
class IntakeStreamIT {

  private final Harness h = new Harness();
  private final String intents = h.namespace + ":intents";
  private final String rejected = intents + ":rejected";
  private final IntentStream stream =
      h.backend.intents(
          new IntentStream.Names(intents, "herald", rejected, 100_000), Duration.ofSeconds(1));
  private final Recorder listener = new Recorder();

  @AfterEach
  void close() {
    h.close();
  }

  /** Counts what the intake reports. */
  static final class Recorder implements IntakeListener {
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger routes = new AtomicInteger();
    final AtomicInteger duplicates = new AtomicInteger();
    final List<String> rejectedFields = new ArrayList<>();
    final List<String> cancelled = new ArrayList<>();

    @Override
    public void onAccepted(int notifications, int r) {
      accepted.addAndGet(notifications);
      routes.addAndGet(r);
    }

    @Override
    public void onDuplicate(int notifications) {
      duplicates.addAndGet(notifications);
    }

    @Override
    public synchronized void onRejected(String source, String field) {
      assertThat(source).isEqualTo("stream");
      rejectedFields.add(field);
    }

    @Override
    public synchronized void onCancelled(String notificationId, CancelledRoutes r) {
      cancelled.add(notificationId + ":" + r.byChannel().values().stream().mapToInt(n -> n).sum());
    }
  }

  private IntakeCycle cycle(String consumer, Duration claimIdle, Set<String> channels) {
    return new IntakeCycle(
        stream,
        () ->
            new IntakeCycle.Settings(
                100, claimIdle, Duration.ofHours(24), new NotificationValidator(channels, 65_536)),
        new NotificationIds(),
        h.clock,
        listener,
        consumer);
  }

  private IntakeCycle cycle(String consumer) {
    return cycle(consumer, Duration.ofSeconds(30), h.channels.names());
  }

  /** {@code XADD <intents> * intent <json>}, as redis-cli or any client would. */
  private String xadd(String json) {
    return h.raw.xadd(intents, StreamEntryID.NEW_ENTRY, Map.of("intent", json)).toString();
  }

  private static String intent(String recipient) {
    return "{\"type\":\"game.turn_ready\",\"producer\":\"game-engine\",\"recipients\":[\""
        + recipient
        + "\"],\"channels\":[\"push\"],\"payload\":{\"turn\":42}}";
  }

  /** Runs cycles until one settles nothing; returns the intents settled in all. */
  private static int drain(IntakeCycle cycle) {
    int total = 0;
    for (int n = cycle.runOnce(Duration.ZERO); n > 0; n = cycle.runOnce(Duration.ZERO)) {
      total += n;
    }
    return total;
  }

  private PublishCycle publisher() {
    return h.cycle("w", Harness.settings(1000, 5));
  }

  private long counter(String name) {
    String v = h.raw.hget(h.keys.stats(), name);
    return v == null ? 0 : Long.parseLong(v);
  }

  private List<String> publishedRecipients() {
    return h.streamFields().stream().map(f -> f.get("user_id")).toList();
  }

  @Test
  void intents_written_with_a_plain_xadd_become_published_stream_entries() {
    // Written before Herald ever ran: the group it creates reads from the stream's start.
    xadd(intent("u-1"));
    xadd(
        "{\"type\":\"game.turn_ready\",\"producer\":\"game-engine\",\"recipients\":[\"u-2\",\"u-3\"],"
            + "\"channels\":[\"push\"],\"payload\":{\"turn\":42},\"request_id\":\"req-1\"}");
    stream.createGroup();
    stream.createGroup(); // twice is fine (BUSYGROUP)
    xadd(intent("u-4"));

    assertThat(drain(cycle("herald-1"))).isEqualTo(3);
    assertThat(h.drain(publisher())).isEqualTo(4);

    assertThat(publishedRecipients()).containsExactlyInAnyOrder("u-1", "u-2", "u-3", "u-4");
    assertThat(h.streamFields())
        .anySatisfy(f -> assertThat(f).containsEntry("request_id", "req-1"));
    assertThat(h.raw.xlen(intents)).as("settled intents are deleted").isZero();
    assertThat(h.raw.xpending(intents, "herald").getTotal()).isZero();
    assertThat(listener.accepted.get()).isEqualTo(3);
    assertThat(listener.routes.get()).isEqualTo(4);
    assertThat(counter("intents_acknowledged")).isEqualTo(3);
  }

  @Test
  void an_intent_due_in_the_year_999999999_is_rejected_and_its_batch_settles() {
    // Found by HostileInputIT on CI: the time overflowed epoch milliseconds while the batch was
    // being encoded, so the whole batch failed, and would have failed again at every retry.
    stream.createGroup();
    xadd(intent("u-1"));
    xadd(intent("u-2").replace("}}", "},\"send_at\":\"+999999999-12-31T23:59:59Z\"}"));
    xadd(intent("u-3"));

    assertThat(drain(cycle("herald-1"))).isEqualTo(3);

    assertThat(listener.accepted.get()).isEqualTo(2);
    assertThat(listener.rejectedFields).containsExactly("send_at");
    assertThat(h.raw.xrange(rejected, "-", "+").get(0).getFields().get("reason"))
        .contains("send_at: must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z");
    assertThat(h.raw.xpending(intents, "herald").getTotal()).isZero();
  }

  @Test
  void an_intent_the_store_cannot_take_is_rejected_alone_and_the_rest_of_its_batch_accepted() {
    // Fault injection around the real store: settling any chunk holding u-2's intent throws, as
    // the overflow above did before the validator caught it.
    IntentStream poisoned =
        new IntentStream() {
          @Override
          public void createGroup() {
            stream.createGroup();
          }

          @Override
          public List<Intent> read(String consumer, int max, Duration block) {
            return stream.read(consumer, max, block);
          }

          @Override
          public List<Intent> readPending(String consumer, int max) {
            return stream.readPending(consumer, max);
          }

          @Override
          public ClaimedIntents claimIdle(
              String consumer, Duration minIdle, int max, String cursor) {
            return stream.claimIdle(consumer, minIdle, max, cursor);
          }

          @Override
          public List<IntentResult> settle(
              List<IntentDecision> decisions, Instant now, Duration idempotencyWindow) {
            for (IntentDecision d : decisions) {
              if (d instanceof IntentDecision.Accept a
                  && a.notification().recipients().contains("u-2")) {
                throw new ArithmeticException("long overflow");
              }
            }
            return stream.settle(decisions, now, idempotencyWindow);
          }

          @Override
          public List<RejectedIntent> rejected(String before, int limit) {
            return stream.rejected(before, limit);
          }

          @Override
          public IntakeSnapshot snapshot() {
            return stream.snapshot();
          }
        };
    stream.createGroup();
    xadd(intent("u-1"));
    xadd(intent("u-2"));
    xadd(intent("u-3"));
    IntakeCycle cycle =
        new IntakeCycle(
            poisoned,
            () ->
                new IntakeCycle.Settings(
                    100,
                    Duration.ofSeconds(30),
                    Duration.ofHours(24),
                    new NotificationValidator(h.channels.names(), 65_536)),
            new NotificationIds(),
            h.clock,
            listener,
            "herald-1");

    assertThat(drain(cycle)).isEqualTo(3);

    assertThat(listener.accepted.get()).isEqualTo(2);
    assertThat(listener.rejectedFields).containsExactly("(intent)");
    assertThat(h.raw.xrange(rejected, "-", "+").get(0).getFields().get("reason"))
        .startsWith("(intent): could not be stored (java.lang.ArithmeticException: long overflow)");
    assertThat(h.raw.xpending(intents, "herald").getTotal()).isZero();
    assertThat(h.drain(publisher())).isEqualTo(2);
  }

  @Test
  void a_cancel_naming_another_deployments_key_is_rejected_and_its_batch_is_settled_whole() {
    // Another deployment on the same Redis, namespace "<ours>:r": its schedule is the key
    // "<ours>:r:schedule", which a cancel of id "schedule" used to reach as a route hash. The
    // WRONGTYPE came after the create before it was written: stored, its intent left pending,
    // the counters not moved, and the create then rejected as a Herald bug though published.
    try (RedisBackend other = RedisTestSupport.backend(h.namespace + ":r", h.clock)) {
      new Intake(
              other.notifications(),
              () -> new NotificationValidator(h.channels.names(), 65_536),
              new NotificationIds(),
              h.clock,
              () -> Duration.ofHours(24))
          .submit(List.of(Harness.notification("v-1").build()));
    }
    String theirSchedule = h.namespace + ":r:schedule";
    assertThat(h.raw.type(theirSchedule)).isEqualTo("zset");
    stream.createGroup();
    xadd(intent("u-1"));
    xadd("{\"cancel\":\"schedule\"}");

    assertThat(drain(cycle("herald-1"))).isEqualTo(2);

    assertThat(listener.accepted.get()).isEqualTo(1);
    assertThat(listener.rejectedFields).containsExactly("cancel");
    assertThat(stream.rejected(10))
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).startsWith("cancel: is not a notification id"));
    assertThat(h.raw.xpending(intents, "herald").getTotal()).isZero();
    assertThat(counter("notifications_accepted")).isEqualTo(1);
    assertThat(h.raw.hget(h.keys.typeFigures(), "pending:game.turn_ready")).isEqualTo("1");
    assertThat(h.raw.zcard(theirSchedule)).as("the other deployment's keys").isEqualTo(1);
    assertThat(h.drain(publisher())).isEqualTo(1);
    assertThat(h.raw.hget(h.keys.typeFigures(), "pending:game.turn_ready")).isEqualTo("0");
  }

  @Test
  void a_cancel_whose_notification_keys_hold_another_type_is_rejected_before_anything_is_written() {
    // Past the validator (a real id), a key of another type where the notification's route hash
    // should be: the script finds it in its read pass, rejects that cancel alone, and settles the
    // rest of the batch whole.
    String planted = new NotificationIds().next(h.clock.instant());
    h.raw.set(h.keys.routes(planted), "not a route hash");
    stream.createGroup();
    xadd(intent("u-1"));
    xadd("{\"cancel\":\"" + planted.toLowerCase(java.util.Locale.ROOT) + "\"}");
    xadd(intent("u-2"));

    assertThat(drain(cycle("herald-1"))).isEqualTo(3);

    assertThat(listener.accepted.get()).isEqualTo(2);
    assertThat(listener.rejectedFields).containsExactly("cancel");
    assertThat(stream.rejected(10))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.reason())
                    .isEqualTo(
                        "cancel: " + h.keys.routes(planted) + " holds a string, not Herald data"));
    assertThat(h.raw.xpending(intents, "herald").getTotal()).isZero();
    assertThat(counter("notifications_accepted")).isEqualTo(2);
    assertThat(h.raw.hget(h.keys.typeFigures(), "pending:game.turn_ready")).isEqualTo("2");
    assertThat(h.raw.get(h.keys.routes(planted))).isEqualTo("not a route hash");
    assertThat(h.drain(publisher())).isEqualTo(2);
  }

  @Test
  void a_shared_key_of_another_type_fails_the_round_unwritten_and_blames_no_intent() {
    // The route figures by type were not checked before the writes: the settle stored the
    // notifications, then failed; settled one by one, every intent was rejected as a Herald bug
    // while its notification stayed stored.
    h.raw.set(h.keys.typeFigures(), "not a hash");
    stream.createGroup();
    xadd(intent("u-1"));
    xadd(intent("u-2"));
    IntakeCycle cycle = cycle("herald-1");

    assertThatThrownBy(() -> cycle.runOnce(Duration.ZERO))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("WRONGTYPE");

    assertThat(counter("notifications_accepted")).isZero();
    assertThat(h.raw.zcard(h.keys.schedule())).isZero();
    assertThat(stream.rejected(10)).isEmpty();
    assertThat(h.raw.xpending(intents, "herald").getTotal()).isEqualTo(2);
    // Once the key is repaired, the next round settles both, from this consumer's pending entries.
    h.raw.del(h.keys.typeFigures());
    assertThat(cycle.runOnce(Duration.ZERO)).isEqualTo(2);
    assertThat(listener.accepted.get()).isEqualTo(2);
    assertThat(h.drain(publisher())).isEqualTo(2);
  }

  @Test
  void an_intent_deleted_while_pending_with_a_consumer_whose_round_failed_is_acknowledged() {
    stream.createGroup();
    String gone = xadd(intent("u-1"));
    xadd(intent("u-2"));
    assertThat(stream.read("herald-1", 10, Duration.ZERO)).hasSize(2); // then the round failed
    h.raw.xdel(intents, new StreamEntryID(gone));

    List<Intent> own = stream.readPending("herald-1", 10);

    assertThat(own).extracting(Intent::entryId).hasSize(2).contains(gone);
    assertThat(own).filteredOn(Intent::isDeleted).extracting(Intent::entryId).containsExactly(gone);
    assertThat(drain(cycle("herald-1"))).isEqualTo(2);
    assertThat(h.raw.xpending(intents, "herald").getTotal()).isZero();
    assertThat(h.drain(publisher())).isEqualTo(1);
  }

  @Test
  void a_thousand_mixed_intents_give_exactly_the_valid_notifications_and_the_rest_rejected() {
    stream.createGroup();
    String[] invalid = {
      "{not json",
      "{\"type\":\"t\",\"producer\":\"p\",\"channels\":[\"push\"]}",
      "{\"type\":\"t\",\"producer\":\"p\",\"recipients\":[\"u\"],\"channels\":[\"fax\"]}",
      "{\"type\":\"t\",\"producer\":\"p\",\"recipients\":[\"u x\"],\"channels\":[\"push\"]}",
      "{\"type\":\"t\",\"producer\":\"p\",\"recipients\":[\"u\"],\"channels\":[\"push\"],"
          + "\"payload\":\""
          + "x".repeat(70_000)
          + "\"}",
      "[1, 2]",
      "{\"type\":\"t\",\"producer\":\"p\",\"recipients\":[\"u\"],\"channels\":[\"push\"],"
          + "\"sendAt\":\"2026-11-25T12:00:00Z\"}",
      "{\"cancel\":\"01JDQ5XKZ7W3M1V9Y4T0R8E6PA\"}", // a notification id, of none stored
    };
    String[] expectedField = {
      "(json)",
      "recipients",
      "channels[0]",
      "recipients[0]",
      "payload",
      "(notification)",
      "sendAt",
      "cancel"
    };
    Set<String> valid = new HashSet<>();
    Map<String, String> reasonPrefixBySource = new java.util.HashMap<>();
    for (int i = 0; i < 1000; i++) {
      if (i % 3 == 0) {
        int k = (i / 3) % (invalid.length + 1);
        String id;
        if (k == invalid.length) {
          id =
              h.raw
                  .xadd(intents, StreamEntryID.NEW_ENTRY, Map.of("notification", intent("u-x")))
                  .toString();
          reasonPrefixBySource.put(id, "intent: is required");
        } else {
          id = xadd(invalid[k]);
          reasonPrefixBySource.put(id, expectedField[k] + ":");
        }
      } else {
        valid.add("u-" + i);
        xadd(intent("u-" + i));
      }
    }

    int settled = drain(cycle("herald-1"));

    assertThat(settled).isEqualTo(1000);
    assertThat(h.raw.xpending(intents, "herald").getTotal()).as("all acknowledged").isZero();
    assertThat(h.raw.xlen(intents)).isZero();
    assertThat(counter("notifications_accepted")).isEqualTo(valid.size());
    assertThat(listener.accepted.get()).isEqualTo(valid.size());
    assertThat(listener.rejectedFields).hasSize(1000 - valid.size());
    assertThat(counter("intents_rejected")).isEqualTo(1000 - valid.size());

    List<RejectedIntent> rejections = stream.rejected(10_000);
    assertThat(rejections).hasSize(1000 - valid.size());
    for (RejectedIntent r : rejections) {
      assertThat(reasonPrefixBySource).containsKey(r.sourceId());
      assertThat(r.reason()).startsWith(reasonPrefixBySource.get(r.sourceId()));
      assertThat(r.fields()).hasSize(1); // the producer's field, as written
    }
    assertThat(rejections.get(rejections.size() - 1).fields().get("intent")).isEqualTo("{not json");

    assertThat(h.drain(publisher())).isEqualTo(valid.size());
    assertThat(publishedRecipients())
        .hasSize(valid.size())
        .containsExactlyInAnyOrderElementsOf(valid);
  }

  @Test
  void
      an_intent_left_pending_by_a_consumer_that_never_acknowledges_is_taken_over_and_published_once() {
    stream.createGroup();
    for (int i = 0; i < 5; i++) {
      xadd(intent("u-" + i));
    }
    // A consumer reads them and dies (or stalls) before settling.
    List<Intent> stalled = stream.read("dead-host-1", 100, Duration.ZERO);
    assertThat(stalled).hasSize(5);
    assertThat(stream.snapshot().pendingByConsumer()).containsEntry("dead-host-1", 5L);

    IntakeCycle live = cycle("live-host-2", Duration.ofMillis(300), h.channels.names());
    assertThat(live.runOnce(Duration.ZERO)).as("not idle long enough yet").isZero();
    AtomicInteger taken = new AtomicInteger();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              h.clock.advance(Duration.ofSeconds(1)); // the next take-over pass is due
              taken.addAndGet(live.runOnce(Duration.ZERO));
              return taken.get() == 5;
            });
    assertThat(h.raw.xpending(intents, "herald").getTotal()).isZero();

    // The stalled consumer wakes up and settles what it had read: nothing happens twice.
    IntentParser parser = new IntentParser();
    List<IntentDecision> late = new ArrayList<>();
    for (Intent intent : stalled) {
      late.add(
          parser
              .parse(
                  intent,
                  new NotificationValidator(h.channels.names(), 65_536),
                  new NotificationIds(),
                  h.clock.instant())
              .decision());
    }
    List<IntentResult> results = stream.settle(late, h.clock.instant(), Duration.ofHours(24));
    assertThat(results)
        .extracting(IntentResult::status)
        .containsOnly(IntentResult.Status.ALREADY_SETTLED);

    assertThat(counter("notifications_accepted")).isEqualTo(5);
    assertThat(h.drain(publisher())).isEqualTo(5);
    assertThat(publishedRecipients()).containsExactlyInAnyOrder("u-0", "u-1", "u-2", "u-3", "u-4");
  }

  @Test
  void the_same_idempotency_key_twice_in_the_stream_makes_one_notification() {
    stream.createGroup();
    String keyed =
        "{\"type\":\"t\",\"producer\":\"game-engine\",\"idempotency_key\":\"turn-42\","
            + "\"recipients\":[\"u-1\"],\"channels\":[\"push\"]}";
    xadd(keyed);
    xadd(keyed);
    IntakeCycle cycle = cycle("herald-1");
    drain(cycle);
    xadd(keyed); // a later batch, within the window
    drain(cycle);

    assertThat(listener.accepted.get()).isEqualTo(1);
    assertThat(listener.duplicates.get()).isEqualTo(2);
    assertThat(h.drain(publisher())).isEqualTo(1);
  }

  @Test
  void a_cancel_intent_between_submit_and_due_time_prevents_publication() {
    stream.createGroup();
    xadd(
        "{\"type\":\"t\",\"producer\":\"game-engine\",\"idempotency_key\":\"turn-42\","
            + "\"recipients\":[\"u-1\",\"u-2\"],\"channels\":[\"push\"],"
            + "\"send_at\":\"2026-11-25T12:01:00Z\"}");
    xadd(intent("u-3"));
    IntakeCycle cycle = cycle("herald-1");
    drain(cycle);
    xadd("{\"cancel_idempotency_key\":\"turn-42\",\"producer\":\"game-engine\"}");
    xadd("{\"cancel_idempotency_key\":\"turn-42\",\"producer\":\"game-engine\"}"); // harmless
    drain(cycle);

    h.clock.advance(Duration.ofMinutes(5));
    assertThat(h.drain(publisher())).isEqualTo(1);
    assertThat(publishedRecipients()).containsExactly("u-3");
    assertThat(listener.cancelled).hasSize(2);
    String id = listener.cancelled.get(0).split(":")[0];
    assertThat(listener.cancelled).containsExactly(id + ":2", id + ":0");
    assertThat(h.backend.notifications().find(id).orElseThrow().routes())
        .extracting(RouteRecord::state)
        .containsOnly(RouteState.CANCELLED);
    assertThat(stream.rejected(10)).isEmpty();
  }

  @Test
  void an_intent_whose_expiry_passes_before_it_is_due_is_never_published() {
    stream.createGroup();
    xadd(
        "{\"type\":\"t\",\"producer\":\"p\",\"recipients\":[\"u-1\"],\"channels\":[\"push\"],"
            + "\"send_at\":\"2026-11-25T12:00:10Z\",\"expires_at\":\"2026-11-25T12:00:20Z\"}");
    drain(cycle("herald-1"));
    h.clock.advance(Duration.ofSeconds(30));

    assertThat(h.drain(publisher())).isZero();
    assertThat(h.streamEntries()).isEmpty();
    assertThat(counter("expired")).isEqualTo(1);
  }

  @Test
  void routes_go_to_the_stream_of_their_channel_and_unknown_channels_are_rejected() {
    String email = h.namespace + ":email";
    Channels channels =
        new Channels(
            List.of(new Channel("push", h.stream, 1000), new Channel("email", email, 1000)));
    stream.createGroup();
    xadd(
        "{\"type\":\"t\",\"producer\":\"p\",\"recipients\":[\"u-1\"],"
            + "\"channels\":[\"push\",\"email\"]}");
    xadd("{\"type\":\"t\",\"producer\":\"p\",\"recipients\":[\"u-1\"],\"channels\":[\"sms\"]}");
    drain(cycle("herald-1", Duration.ofSeconds(30), channels.names()));

    PublishCycle publisher =
        new PublishCycle(
            h.backend.routes(),
            new EventEncoder(channels),
            () -> Harness.settings(100, 5),
            h.clock,
            PublisherListener.NONE,
            "w");
    assertThat(h.drain(publisher)).isEqualTo(2);
    assertThat(h.streamFields()).extracting(f -> f.get("route_id")).containsExactly("push:u-1");
    List<StreamEntry> emails = h.raw.xrange(email, "-", "+", 10);
    assertThat(emails).extracting(e -> e.getFields().get("route_id")).containsExactly("email:u-1");
    assertThat(stream.rejected(10))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.reason())
                    .isEqualTo("channels[0]: unknown channel 'sms' (configured: email, push)"));
  }

  @Test
  void a_deleted_stream_and_group_are_made_again_and_intake_goes_on() {
    stream.createGroup();
    IntakeCycle cycle = cycle("herald-1");
    xadd(intent("u-1"));
    drain(cycle);
    h.raw.del(intents); // an operator deletes the stream, and with it the group

    assertThat(cycle.runOnce(Duration.ZERO)).isZero();
    assertThat(h.raw.xinfoGroups(intents)).hasSize(1);
    xadd(intent("u-2"));
    assertThat(drain(cycle)).isEqualTo(1);
    assertThat(h.drain(publisher())).isEqualTo(2);
  }

  @Test
  void a_pending_intent_deleted_from_the_stream_leaves_the_pending_list_without_effect() {
    stream.createGroup();
    String gone = xadd(intent("u-1"));
    xadd(intent("u-2"));
    assertThat(stream.read("dead-host-1", 10, Duration.ZERO)).hasSize(2);
    h.raw.xdel(intents, new StreamEntryID(gone)); // e.g. trimmed by a producer's MAXLEN

    IntakeCycle live = cycle("live-host-2", Duration.ofMillis(100), h.channels.names());
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              h.clock.advance(Duration.ofSeconds(1));
              live.runOnce(Duration.ZERO);
              return h.raw.xpending(intents, "herald").getTotal() == 0;
            });
    assertThat(h.drain(publisher())).isEqualTo(1);
    assertThat(publishedRecipients()).containsExactly("u-2");
  }

  @Test
  void the_snapshot_shows_stream_length_pending_per_consumer_and_rejected_count() {
    IntakeSnapshot none = stream.snapshot();
    assertThat(none.groupExists()).isFalse();
    assertThat(none.streamLength()).isZero();

    stream.createGroup();
    xadd(intent("u-1"));
    xadd(intent("u-2"));
    xadd(intent("u-3"));
    xadd("{broken");
    stream.read("host-a-1", 2, Duration.ZERO);
    IntakeSnapshot reading = stream.snapshot();
    assertThat(reading.streamLength()).isEqualTo(4);
    assertThat(reading.pending()).isEqualTo(2);
    assertThat(reading.pendingByConsumer()).containsExactly(Map.entry("host-a-1", 2L));

    drain(cycle("host-b-2"));
    IntakeSnapshot after = stream.snapshot();
    assertThat(after.stream()).isEqualTo(intents);
    assertThat(after.groupExists()).isTrue();
    assertThat(after.streamLength()).isEqualTo(2); // host-a-1's two, still pending
    assertThat(after.pending()).isEqualTo(2);
    assertThat(after.rejectedLength()).isEqualTo(1);
    assertThat(after.rejectedTotal()).isEqualTo(1);
  }
}
