package dev.herald.store.redis;

import dev.herald.store.Wakeups;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/** {@link Wakeups} over Redis pub/sub on the namespace's wake-up channel (one per shard). */
final class RedisWakeups implements Wakeups {

  private static final long RECONNECT_PAUSE_MS = 1000;

  private final UnifiedJedis redis;
  private final String[] channels;
  private final Clock clock;

  /**
   * @param channels every shard's wake-up channel (plain pub/sub reaches every node of a cluster,
   *     so one connection hears all of them)
   */
  RedisWakeups(UnifiedJedis redis, List<String> channels, Clock clock) {
    this.redis = redis;
    this.channels = channels.toArray(String[]::new);
    this.clock = clock;
  }

  @Override
  public AutoCloseable subscribe(Consumer<Instant> onDue, Consumer<RuntimeException> onTrouble) {
    Subscription subscription = new Subscription(onDue, onTrouble);
    Thread thread = new Thread(subscription::run, "herald-wakeups");
    thread.setDaemon(true);
    thread.start();
    return subscription::close;
  }

  private final class Subscription extends JedisPubSub {
    private final Consumer<Instant> onDue;
    private final Consumer<RuntimeException> onTrouble;
    private final CountDownLatch closed = new CountDownLatch(1);
    private boolean failedBefore;

    Subscription(Consumer<Instant> onDue, Consumer<RuntimeException> onTrouble) {
      this.onDue = onDue;
      this.onTrouble = onTrouble;
    }

    void run() {
      while (closed.getCount() > 0) {
        try {
          redis.subscribe(this, channels);
        } catch (JedisException e) {
          if (closed.getCount() == 0) {
            return;
          }
          failedBefore = true;
          onTrouble.accept(RedisErrors.translate("listening for wake-ups", e));
        }
        try {
          // Pause between reconnects; close() ends the pause at once.
          if (closed.await(RECONNECT_PAUSE_MS, TimeUnit.MILLISECONDS)) {
            return;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    @Override
    public void onSubscribe(String channel, int subscribedChannels) {
      if (failedBefore) {
        // Signals sent while we were away are lost: have the workers look now.
        onDue.accept(clock.instant());
      }
    }

    @Override
    public void onMessage(String channel, String message) {
      try {
        onDue.accept(Instant.ofEpochMilli(Long.parseLong(message)));
      } catch (NumberFormatException e) {
        onDue.accept(clock.instant());
      }
    }

    void close() {
      closed.countDown();
      try {
        if (isSubscribed()) {
          unsubscribe();
        }
      } catch (JedisException e) {
        // The connection is gone already; the thread ends on its own.
      }
    }
  }
}
