package dev.herald.store.redis;

import java.net.URI;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/**
 * Streams that refuse appends, for {@code herald demo}: one a misconfigured gateway would leave
 * (another type under its name: Herald defers its routes, uncharged), one whose appends fail with
 * an error Herald cannot explain (each attempt charged, until a dead letter).
 */
public final class StreamFaults {

  private final String url;

  /**
   * @param url the Redis the streams live in
   */
  public StreamFaults(String url) {
    this.url = url;
  }

  /** Makes appends to the stream {@code key} fail by storing a string under its name. */
  public void block(String key) {
    try (RedisClient client = RedisClient.create(URI.create(url))) {
      client.set(key, "not a stream: appends fail until this key is deleted");
    }
  }

  /**
   * Makes every append to the stream fail with an error Herald cannot tell from a route's own, so
   * that each attempt is charged: the stream's last entry id becomes the largest there is.
   */
  public void breakAppends(String key) {
    try (RedisClient client = RedisClient.create(URI.create(url))) {
      client.del(key);
      client.sendCommand(
          Protocol.Command.XADD,
          key,
          "18446744073709551615-18446744073709551615",
          "broken",
          "every later append fails: the stream has exhausted its ids");
    }
  }

  /** Undoes {@link #block}: the stream takes appends again. */
  public void unblock(String key) {
    try (RedisClient client = RedisClient.create(URI.create(url))) {
      client.del(key);
    }
  }
}
