package dev.herald.store.redis;

import dev.herald.domain.Notification;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * Stores notifications as the Herald before stored format 3 did: its very accept.lua (test resource
 * {@code format2/accept.lua}, composed with its libraries as LuaScript sent it) with accept items
 * in format 2, so that a notification has a route hash with {@code open}, {@code type}, {@code
 * due}, {@code n} from its accept on. What a deployment holds when it upgrades, and what a Herald
 * must still write while a process of that version runs.
 */
final class FormatTwo {

  private static final String ACCEPT = resource("format2/accept.lua");
  private static final NotificationCodec CODEC = new NotificationCodec();

  private FormatTwo() {}

  /** Accepts the batch with the earlier version's accept.lua; returns its reply. */
  static Object accept(
      UnifiedJedis raw, RedisKeys keys, List<Notification> batch, Instant now, Duration window) {
    List<String> args = new ArrayList<>();
    args.add(Long.toString(now.toEpochMilli()));
    args.add(Long.toString(window.toMillis()));
    for (Notification n : batch) {
      args.add(n.id());
      args.add(n.type());
      args.add(
          n.idempotencyKey() == null
              ? ""
              : RedisKeys.idempotencyName(n.producer(), n.idempotencyKey()));
      args.add(CODEC.encode(n, 2));
      args.add(Integer.toString(n.routeCount()));
      args.add(Long.toString(n.sendAt().toEpochMilli()));
      args.add(n.expiresAt() == null ? "" : Long.toString(n.expiresAt().toEpochMilli()));
      args.add("");
      args.add("2");
    }
    List<String> scriptKeys =
        List.of(
            keys.schedule(), keys.stats(), keys.typeFigures(), LuaScript.guardOf(keys.schedule()));
    return raw.eval(ACCEPT, scriptKeys, args);
  }

  private static String resource(String name) {
    try (InputStream in = FormatTwo.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
