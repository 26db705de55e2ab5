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
import java.util.function.Function;
import redis.clients.jedis.UnifiedJedis;

/**
 * An earlier Herald's accept.lua, kept verbatim as a test resource (composed with its libraries as
 * LuaScript sent it), run as that version ran it: what a deployment holds when it upgrades
 * (FormatOne, FormatTwo).
 */
final class EarlierAccept {

  private final String script;
  private final Function<Notification, String> record;
  private final List<String> itemTail;

  /**
   * @param resource the script's test resource
   * @param record the record that version wrote for a notification
   * @param itemTail what that version's accept items carry after the recipient index setting
   */
  EarlierAccept(String resource, Function<Notification, String> record, List<String> itemTail) {
    this.script = resource(resource);
    this.record = record;
    this.itemTail = itemTail;
  }

  /** Accepts the batch with the earlier version's accept.lua; returns its reply. */
  Object accept(
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
      args.add(record.apply(n));
      args.add(Integer.toString(n.routeCount()));
      args.add(Long.toString(n.sendAt().toEpochMilli()));
      args.add(n.expiresAt() == null ? "" : Long.toString(n.expiresAt().toEpochMilli()));
      args.add(""); // no recipient index
      args.addAll(itemTail);
    }
    List<String> scriptKeys =
        List.of(
            keys.schedule(), keys.stats(), keys.typeFigures(), LuaScript.guardOf(keys.schedule()));
    return raw.eval(script, scriptKeys, args);
  }

  private static String resource(String name) {
    try (InputStream in = EarlierAccept.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
