package dev.herald.store.redis;

import dev.herald.domain.Notification;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * Stores notifications as the Herald before stored format 3 did: its very accept.lua (test resource
 * {@code format2/accept.lua}) with accept items in format 2, so that a notification has a route
 * hash with {@code open}, {@code type}, {@code due}, {@code n} from its accept on. What a
 * deployment holds when it upgrades, and what a Herald must still write while a process of that
 * version runs.
 */
final class FormatTwo {

  private static final NotificationCodec CODEC = new NotificationCodec();
  private static final EarlierAccept ACCEPT =
      new EarlierAccept("format2/accept.lua", n -> CODEC.encode(n, 2), List.of("2"));

  private FormatTwo() {}

  /** Accepts the batch with the earlier version's accept.lua; returns its reply. */
  static Object accept(
      UnifiedJedis raw, RedisKeys keys, List<Notification> batch, Instant now, Duration window) {
    return ACCEPT.accept(raw, keys, batch, now, window);
  }
}
