package dev.herald.store.redis;

import dev.herald.store.RecipientIndex;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.Tuple;

/**
 * {@link RecipientIndex} of one store: {@code <prefix>rcpt:<recipient>}, kept by accept.lua and
 * intake.lua (lib/recipients.lua) while {@link #use} turned it on.
 */
final class RedisRecipientIndex implements RecipientIndex {

  private final UnifiedJedis redis;
  private final RedisKeys keys;
  private final AcceptCall accepts;
  private volatile int max;

  RedisRecipientIndex(UnifiedJedis redis, RedisKeys keys, AcceptCall accepts) {
    this.redis = redis;
    this.keys = keys;
    this.accepts = accepts;
  }

  /** Turns the index on for this process's accepts ({@code max} > 0), or off (0). */
  void use(int max, Duration keep) {
    this.max = max;
    accepts.indexRecipients(max, keep);
  }

  @Override
  public boolean enabled() {
    return max > 0;
  }

  @Override
  public int maxPerRecipient() {
    return max;
  }

  @Override
  public List<Entry> newest(String recipient, int limit) {
    if (max == 0 || limit <= 0) {
      return List.of();
    }
    List<Tuple> got =
        RedisErrors.call(
            "reading the recipient index of " + recipient,
            () -> redis.zrevrangeWithScores(keys.recipient(recipient), 0, limit - 1));
    return got.stream()
        .map(t -> new Entry(t.getElement(), Instant.ofEpochMilli((long) t.getScore())))
        .toList();
  }
}
