package dev.herald.store.shards;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.ConfigLoader;
import dev.herald.daemon.Stores;
import dev.herald.domain.Channel;
import dev.herald.domain.Channels;
import dev.herald.domain.NotificationRequest;
import dev.herald.domain.Shards;
import dev.herald.publish.EventEncoder;
import dev.herald.publish.PublishCycle;
import dev.herald.publish.PublisherListener;
import dev.herald.store.DeadLetter;
import dev.herald.store.DeadLetterStore;
import dev.herald.store.DeadLetterStore.Cursor;
import dev.herald.store.DeadLetterStore.Page;
import dev.herald.store.DeadLetterStore.Window;
import dev.herald.testing.Harness;
import dev.herald.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dead letters of a four-shard layout on one Redis (a sharded layout needs no cluster): pages of
 * any size go through every shard's entries once, newest first, and purges reach every shard.
 */
class ShardedDeadLettersIT {

  @TempDir Path dir;

  @Test
  void pages_of_any_size_list_every_shards_dead_letters_once_newest_first() throws Exception {
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
            ""));
    try (Stores stores = new Stores(new ConfigLoader(Map.of()).load(file), Clock.systemUTC(), 4)) {
      for (int round = 0; round < 3; round++) {
        List<NotificationRequest> batch = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
          batch.add(Harness.notification("u-" + round + "-" + i).maxAttempts(1).build());
        }
        stores.intake().submit(batch);
        deadLetterAllDue(stores);
      }
      DeadLetterStore dead = stores.backend().deadLetters();
      assertThat(dead.count(Window.ALL)).isEqualTo(33);
      for (int limit : new int[] {1, 5, 7, 33, 100}) {
        List<DeadLetter> all = new ArrayList<>();
        Cursor cursor = null;
        for (int pages = 0; pages < 100; pages++) {
          Page page = dead.page(Window.ALL, cursor, limit);
          assertThat(page.deadLetters().size()).isLessThanOrEqualTo(limit);
          all.addAll(page.deadLetters());
          if (page.next().isEmpty()) {
            break;
          }
          cursor = page.next().get();
        }
        Set<String> seen = new HashSet<>();
        Set<Integer> shards = new HashSet<>();
        for (DeadLetter d : all) {
          assertThat(seen.add(d.notificationId() + ":" + d.index())).as("limit %d", limit).isTrue();
          shards.add(new Shards(4).ofId(d.notificationId()));
        }
        assertThat(all).as("limit %d", limit).hasSize(33);
        assertThat(shards).hasSize(4);
        for (int i = 1; i < all.size(); i++) {
          assertThat(all.get(i).deadSince()).isBeforeOrEqualTo(all.get(i - 1).deadSince());
        }
      }
      DeadLetterStore.RetentionPurge purged =
          dead.purgeOldest(
              java.util.Optional.of(8L),
              java.util.Optional.empty(),
              stores.clock().instant(),
              1000);
      assertThat(purged.byCount()).as("each of 4 shards keeps 2 of 8").isEqualTo(33 - 8);
      assertThat(dead.count(Window.ALL)).isEqualTo(8);
    }
  }

  private static void deadLetterAllDue(Stores stores) {
    PublishCycle cycle =
        new PublishCycle(
            stores.backend().routes(),
            new EventEncoder(new Channels(List.of(new Channel("email", "mail", 10)))),
            () -> Harness.settings(500, 1),
            stores.clock(),
            PublisherListener.NONE,
            "planter");
    while (cycle.runOnce().claimed() > 0) {
      // until nothing is due
    }
  }
}
