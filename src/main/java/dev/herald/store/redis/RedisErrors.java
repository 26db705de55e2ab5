package dev.herald.store.redis;

import dev.herald.store.StoreAccessDeniedException;
import dev.herald.store.StoreException;
import dev.herald.store.StoreOutcomeUnknownException;
import dev.herald.store.StoreUnavailableException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisBroadcastException;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Sorts Jedis's exceptions into the store's kinds, once, here: transient ({@link
 * StoreUnavailableException}: the command did not run), transient with the reply lost ({@link
 * StoreOutcomeUnknownException}: it may have run), fatal access ({@link
 * StoreAccessDeniedException}) and everything else ({@link StoreException}).
 *
 * <p>A connection failure counts as "did not run" only when it happened while a connection was
 * being had (connect refused, unknown host, the pool exhausted, the handshake of a new connection):
 * then the command was never written. Any other one (a read timeout, a reset or a closed connection
 * while waiting, a write that broke part-way) came after the command may have reached Redis, and
 * Redis runs what it has read even after the client has gone. A pooled connection that Redis closed
 * while idle looks the same from here ("Unexpected end of stream"): it is reported as unknown too,
 * which costs a repeat and never a duplicate.
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
    String denied = deniedWithin(e);
    if (denied != null) {
      // A cluster client that could not read the slots from any seed node because the ACL does
      // not allow CLUSTER SLOTS (or the login) is misconfigured, not waiting for a Redis.
      return new StoreAccessDeniedException(
          what + ": Redis refused access: " + denied + " (" + message + ")", e);
    }
    if (e instanceof JedisConnectionException && !whileConnecting(e)) {
      return new StoreOutcomeUnknownException(
          what
              + ": Redis unavailable: "
              + message
              + "; the reply was lost after the command was sent, so it may have run",
          e);
    }
    if (e instanceof JedisClusterOperationException && sentBefore(e)) {
      // A cluster client gave up after its tries (redirections, reconnects, a deadline): if one
      // of them lost a reply, that try may have run.
      return new StoreOutcomeUnknownException(
          what
              + ": Redis Cluster unavailable: "
              + message
              + "; a reply was lost after the command was sent, so it may have run",
          e);
    }
    if (e instanceof JedisConnectionException
        || e instanceof JedisClusterOperationException
        || e instanceof JedisBroadcastException
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

  /** The message of an access refusal among the causes and suppressed tries, or null. */
  private static String deniedWithin(JedisException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      List<Throwable> tries = new ArrayList<>(List.of(t.getSuppressed()));
      tries.add(t);
      for (Throwable s : tries) {
        String m = s.getMessage() == null ? "" : s.getMessage();
        if (s instanceof JedisAccessControlException || startsWithAny(m, ACCESS)) {
          return m;
        }
      }
    }
    return null;
  }

  /** True when one of the tries a cluster client made lost its reply after sending. */
  private static boolean sentBefore(JedisException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      for (Throwable s : t.getSuppressed()) {
        if (s instanceof JedisConnectionException c && !whileConnecting(c)) {
          return true;
        }
      }
      if (t != e && t instanceof JedisConnectionException c && !whileConnecting(c)) {
        return true;
      }
    }
    return false;
  }

  /**
   * True when the failure came while a connection was being had, before any command was written on
   * it: connecting (refused, unreachable, unknown host) or the handshake of a new pooled
   * connection.
   */
  private static boolean whileConnecting(JedisException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    // A refusal can only answer a connection attempt; Jedis words a failed one "Failed to connect".
    if (message.startsWith("Failed to connect") || message.contains("Connection refused")) {
      return true;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (isConnectFailure(t)) {
        return true;
      }
      for (Throwable s : t.getSuppressed()) {
        if (isConnectFailure(s)) {
          return true;
        }
      }
    }
    // A new connection's handshake (AUTH, HELLO, SELECT) runs inside the pool's make-object call.
    for (StackTraceElement frame : e.getStackTrace()) {
      if (frame.getClassName().startsWith("redis.clients.jedis")
          && (frame.getMethodName().equals("makeObject")
              || frame.getMethodName().equals("getResource"))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isConnectFailure(Throwable t) {
    return t instanceof ConnectException
        || t instanceof NoRouteToHostException
        || t instanceof UnknownHostException;
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
