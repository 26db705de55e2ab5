package dev.herald.store.redis;

import dev.herald.store.StoreAccessDeniedException;
import dev.herald.store.StoreException;
import dev.herald.store.StoreUnavailableException;
import java.util.List;
import java.util.function.Supplier;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Sorts Jedis's exceptions into the store's three kinds, once, here: transient ({@link
 * StoreUnavailableException}), fatal access ({@link StoreAccessDeniedException}) and everything
 * else ({@link StoreException}).
 */
final class RedisErrors {

  /** Error prefixes with which a healthy Redis refuses for a while: retry later. */
  private static final List<String> TRANSIENT =
      List.of(
          "LOADING",
          "READONLY",
          "BUSY",
          "OOM",
          "MISCONF",
          "MASTERDOWN",
          "NOREPLICAS",
          "TRYAGAIN",
          "CLUSTERDOWN");

  private static final List<String> ACCESS = List.of("NOAUTH", "WRONGPASS", "NOPERM");

  private RedisErrors() {}

  /** Runs a Redis call, translating failures; {@code what} says what was being done. */
  static <T> T call(String what, Supplier<T> call) {
    try {
      return call.get();
    } catch (JedisException e) {
      throw translate(what, e);
    }
  }

  static RuntimeException translate(String what, JedisException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof JedisAccessControlException || startsWithAny(message, ACCESS)) {
      return new StoreAccessDeniedException(what + ": Redis refused access: " + message, e);
    }
    if (e instanceof JedisConnectionException
        || e instanceof JedisBusyException
        || startsWithAny(message, TRANSIENT)) {
      return new StoreUnavailableException(what + ": Redis unavailable: " + message, e);
    }
    if (e instanceof JedisDataException) {
      return new StoreException(what + ": Redis replied with an error: " + message, e);
    }
    // Pool exhausted and other client-side trouble: transient from the caller's point of view.
    return new StoreUnavailableException(what + ": Redis unavailable: " + message, e);
  }

  /**
   * True when the error code is one of {@code codes}: at the start of the message, or, for an error
   * raised inside a script, after the script's location (Redis 6.2 words it {@code ERR Error
   * running script (…): @user_script:188: -OOM command not allowed …}).
   */
  private static boolean startsWithAny(String message, List<String> codes) {
    for (String code : codes) {
      if (message.startsWith(code + " ") || message.contains(": -" + code + " ")) {
        return true;
      }
    }
    return false;
  }
}
