package dev.herald.store.redis;

import dev.herald.store.ChannelControls;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@link ChannelControls} on a Redis hash in the namespace, read by claim.lua at every claim: field
 * {@code paused:<channel>} → {@code <since ms>|<who>}, {@code rate:<channel>} → routes/s. Each
 * change is one command, so it is atomic without a script.
 */
final class RedisChannelControls implements ChannelControls {

  private final UnifiedJedis redis;
  private final RedisKeys keys;

  RedisChannelControls(UnifiedJedis redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  @Override
  public boolean pause(String channel, Instant now, String by) {
    String value = now.toEpochMilli() + "|" + (by == null ? "" : by);
    return RedisErrors.call(
            "pausing channel " + channel,
            () -> redis.hsetnx(keys.channelControls(), "paused:" + channel, value))
        == 1;
  }

  @Override
  public boolean resume(String channel) {
    return RedisErrors.call(
            "resuming channel " + channel,
            () -> redis.hdel(keys.channelControls(), "paused:" + channel))
        == 1;
  }

  @Override
  public void limit(String channel, long perSecond) {
    if (perSecond < 1) {
      throw new IllegalArgumentException("rate limit must be 1 route/s or more: " + perSecond);
    }
    RedisErrors.call(
        "setting the rate limit of channel " + channel,
        () -> redis.hset(keys.channelControls(), "rate:" + channel, Long.toString(perSecond)));
  }

  @Override
  public boolean clearLimit(String channel) {
    return RedisErrors.call(
            "clearing the rate limit of channel " + channel,
            () -> redis.hdel(keys.channelControls(), "rate:" + channel))
        == 1;
  }

  @Override
  public Map<String, Control> read() {
    Map<String, String> fields =
        RedisErrors.call("reading channel controls", () -> redis.hgetAll(keys.channelControls()));
    Map<String, Control> out = new TreeMap<>();
    fields.forEach(
        (field, value) -> {
          int colon = field.indexOf(':');
          if (colon <= 0) {
            return; // not a field this version writes
          }
          String channel = field.substring(colon + 1);
          Control c =
              out.getOrDefault(
                  channel, new Control(channel, Optional.empty(), null, OptionalLong.empty()));
          try {
            switch (field.substring(0, colon)) {
              case "paused" -> {
                int bar = value.indexOf('|');
                long since = Long.parseLong(bar < 0 ? value : value.substring(0, bar));
                String by = bar < 0 || bar == value.length() - 1 ? null : value.substring(bar + 1);
                c =
                    new Control(
                        channel, Optional.of(Instant.ofEpochMilli(since)), by, c.rateLimit());
              }
              case "rate" ->
                  c =
                      new Control(
                          channel,
                          c.pausedSince(),
                          c.pausedBy(),
                          OptionalLong.of(Long.parseLong(value)));
              default -> {
                return;
              }
            }
          } catch (NumberFormatException e) {
            return; // a hand-edited field: left out
          }
          out.put(channel, c);
        });
    return out;
  }
}
