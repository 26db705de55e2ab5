package dev.herald.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.config.ConfigLoader;
import dev.herald.daemon.Stores;
import dev.herald.domain.NotificationRequest;
import dev.herald.domain.Shards;
import dev.herald.testing.Harness;
import dev.herald.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The opt-in recipient index: kept by accepts while on (and only then), bounded per recipient,
 * expiring the retention after the latest due time it holds, gathered from every shard.
 */
class RecipientIndexIT {

  @TempDir Path dir;
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  private Set<String> recipientKeys() {
    Set<String> keys = new HashSet<>();
    for (String k : h.raw.keys(h.keys.prefix() + "*")) {
      if (k.startsWith(h.keys.prefix() + "rcpt:")) {
        keys.add(k);
      }
    }
    return keys;
  }

  private List<String> found(String recipient, int limit) {
    return RecipientLookup.find(h.backend.recipients(), h.backend.notifications(), recipient, limit)
        .found()
        .stream()
        .map(f -> f.record().notification().id())
        .toList();
  }

  @Test
  void with_the_index_off_accepts_write_nothing_for_it_and_a_lookup_says_how_to_turn_it_on() {
    h.submit(Harness.notification("u-1", "u-2").build());
    assertThat(recipientKeys()).isEmpty();
    assertThat(h.backend.recipients().enabled()).isFalse();
    assertThatThrownBy(
            () ->
                RecipientLookup.find(h.backend.recipients(), h.backend.notifications(), "u-1", 10))
        .hasMessageContaining("console.recipient-index: true");
  }

  @Test
  void each_recipient_finds_its_notifications_newest_first_and_keeps_only_the_newest_max() {
    h.backend.useRecipientIndex(3, Duration.ofHours(24));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(h.submit(Harness.notification("u-1", "u-" + (10 + i)).build()).get(0));
      h.clock.advance(Duration.ofSeconds(1));
    }
    assertThat(found("u-1", 10)).containsExactly(ids.get(4), ids.get(3), ids.get(2));
    assertThat(found("u-1", 2)).containsExactly(ids.get(4), ids.get(3));
    assertThat(found("u-12", 10)).containsExactly(ids.get(2));
    assertThat(found("nobody", 10)).isEmpty();
    // Stored in format 3 and untouched: no route hash, its routes read from the record.
    assertThat(h.raw.exists(h.keys.routes(ids.get(4)))).isFalse();
    assertThat(
            RecipientLookup.find(h.backend.recipients(), h.backend.notifications(), "u-1", 1)
                .found()
                .get(0)
                .routesOf("u-1"))
        .singleElement()
        .satisfies(r -> assertThat(r.state()).isEqualTo(dev.herald.domain.RouteState.PENDING));
    assertThat(h.raw.zcard(h.keys.recipient("u-1"))).isEqualTo(3);
    RecipientLookup.Found f =
        RecipientLookup.find(h.backend.recipients(), h.backend.notifications(), "u-13", 1)
            .found()
            .get(0);
    assertThat(f.routesOf("u-13"))
        .extracting(r -> r.routeId().toString())
        .containsExactly("push:u-13");
    assertThat(f.entry().acceptedAt()).isEqualTo(h.clock.instant().minusSeconds(2));
  }

  @Test
  void two_notifications_of_one_batch_to_a_new_recipient_keep_the_bound_and_the_longer_expiry() {
    h.backend.useRecipientIndex(1, Duration.ofHours(24));
    List<String> ids =
        h.submit(
            Harness.notification("u-new")
                .sendAt(h.clock.instant().plus(Duration.ofHours(5)))
                .build(),
            Harness.notification("u-new").build());
    assertThat(h.raw.zcard(h.keys.recipient("u-new"))).isEqualTo(1);
    assertThat(h.raw.pttl(h.keys.recipient("u-new")))
        .isGreaterThan(Duration.ofHours(28).toMillis());
    assertThat(found("u-new", 10)).hasSize(1).isSubsetOf(ids);
  }

  @Test
  void a_recipient_key_of_another_type_refuses_that_notification_with_nothing_written() {
    h.backend.useRecipientIndex(10, Duration.ofHours(24));
    h.raw.set(h.keys.recipient("u-odd"), "not an index");
    assertThatThrownBy(() -> h.intake().submit(List.of(Harness.notification("u-odd").build())))
        .hasMessageContaining("recipient index")
        .hasMessageContaining("holds a string");
    assertThat(h.raw.zcard(h.keys.schedule())).isZero();
  }

  @Test
  void intents_from_the_stream_are_indexed_as_accepts_are() {
    h.backend.useRecipientIndex(10, Duration.ofHours(24));
    IntentStream.Names names =
        new IntentStream.Names(h.namespace + ":in", "herald", h.namespace + ":in:rejected", 1_000);
    IntentStream intents = h.backend.intents(names, Duration.ofSeconds(1));
    intents.createGroup();
    h.raw.xadd(
        names.stream(),
        redis.clients.jedis.StreamEntryID.NEW_ENTRY,
        Map.of(
            "intent",
            "{\"type\":\"t\",\"producer\":\"p\",\"recipients\":[\"u-s1\",\"u-s2\"],"
                + "\"channels\":[\"push\"]}"));
    dev.herald.intake.IntakeCycle cycle =
        new dev.herald.intake.IntakeCycle(
            intents,
            () ->
                new dev.herald.intake.IntakeCycle.Settings(
                    100,
                    Duration.ofMinutes(10),
                    Duration.ofHours(1),
                    new dev.herald.domain.NotificationValidator(h.channels.names(), 65_536)),
            new dev.herald.domain.NotificationIds(),
            h.time,
            dev.herald.intake.IntakeListener.NONE,
            "c0");
    assertThat(cycle.runOnce(Duration.ZERO)).isEqualTo(1);
    assertThat(found("u-s1", 10)).hasSize(1).isEqualTo(found("u-s2", 10));
  }

  @Test
  void a_recipients_index_expires_the_retention_after_the_latest_due_time_it_holds() {
    h.backend.useRecipientIndex(100, Duration.ofHours(24));
    h.submit(
        Harness.notification("u-1").sendAt(h.clock.instant().plus(Duration.ofHours(2))).build());
    long ttl = h.raw.pttl(h.keys.recipient("u-1"));
    assertThat(ttl).isBetween(Duration.ofHours(25).toMillis(), Duration.ofHours(26).toMillis());
    // A later notification due sooner does not shorten it.
    h.submit(Harness.notification("u-1").build());
    assertThat(h.raw.pttl(h.keys.recipient("u-1"))).isGreaterThan(Duration.ofHours(25).toMillis());
  }

  @Test
  void notifications_deleted_since_they_were_indexed_are_left_out_and_counted() {
    h.backend.useRecipientIndex(100, Duration.ofHours(24));
    String gone = h.submit(Harness.notification("u-1").build()).get(0);
    h.clock.advance(Duration.ofSeconds(1));
    String kept = h.submit(Harness.notification("u-1").build()).get(0);
    h.raw.del(h.keys.notification(gone), h.keys.routes(gone)); // as retire.lua deletes it
    RecipientLookup.Result r =
        RecipientLookup.find(h.backend.recipients(), h.backend.notifications(), "u-1", 10);
    assertThat(r.found()).extracting(f -> f.record().notification().id()).containsExactly(kept);
    assertThat(r.gone()).isEqualTo(1);
  }

  @Test
  void with_four_shards_a_recipients_notifications_are_gathered_from_every_shard()
      throws Exception {
    String ns = TestRedis.namespace();
    Path file = dir.resolve("herald.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "redis:",
            "  url: " + TestRedis.heraldUrl(),
            "namespace: " + ns,
            "gateway:",
            "  stream: " + ns + ":gw",
            "shards: 4",
            "intake:",
            "  stream: off",
            "console:",
            "  listen: 'off'",
            "  recipient-index: true",
            "  recipient-index-max: 50",
            ""));
    try (Stores stores = new Stores(new ConfigLoader(Map.of()).load(file), Clock.systemUTC(), 4)) {
      List<NotificationRequest> batch = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        batch.add(Harness.notification("u-all", "u-" + i).build());
      }
      stores.intake().submit(batch);
      RecipientLookup.Result r =
          RecipientLookup.find(
              stores.backend().recipients(), stores.backend().notifications(), "u-all", 100);
      assertThat(r.found()).hasSize(24);
      Set<Integer> shards = new HashSet<>();
      r.found().forEach(f -> shards.add(new Shards(4).ofId(f.record().notification().id())));
      assertThat(shards).hasSize(4);
      for (int i = 1; i < r.found().size(); i++) {
        assertThat(r.found().get(i).entry().acceptedAt())
            .isBeforeOrEqualTo(r.found().get(i - 1).entry().acceptedAt());
      }
      assertThat(stores.backend().recipients().newest("u-all", 5)).hasSize(5);
    }
  }
}
