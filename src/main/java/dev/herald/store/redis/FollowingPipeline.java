package dev.herald.store.redis;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * A pipeline of reads that follows a reshard. Jedis's cluster pipeline does not follow {@code
 * MOVED}/{@code ASK}: when a slot moved since the client last read the slot map, every reply of a
 * pipeline to the old owner is a redirection, and a one-shot CLI command or a health probe would
 * fail although the key is one hop away. One plain command on each of the pipeline's slots follows
 * the redirection and renews the client's map; then the pipeline goes again, within {@link
 * RedisClients#CLUSTER_ATTEMPTS}. For reads only: a write sent again may apply twice.
 */
final class FollowingPipeline {

  private FollowingPipeline() {}

  /**
   * @param slotKeys a key of each slot the pipeline reads, to route the plain commands that renew
   *     the map
   * @param queue queues the reads and returns what turns their replies into the result (run after
   *     the pipeline's sync, and again on each attempt)
   */
  static <T> T read(
      UnifiedJedis redis, List<String> slotKeys, Function<AbstractPipeline, Supplier<T>> queue) {
    for (int attempt = 1; ; attempt++) {
      try (AbstractPipeline pipe = redis.pipelined()) {
        Supplier<T> result = queue.apply(pipe);
        pipe.sync();
        return result.get();
      } catch (JedisRedirectionException e) {
        if (attempt >= RedisClients.CLUSTER_ATTEMPTS) {
          throw e;
        }
        slotKeys.forEach(redis::type);
      }
    }
  }
}
