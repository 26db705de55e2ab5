package dev.herald.store.redis;

import dev.herald.store.StoreException;
import java.util.List;

/** Reads script replies; a reply of an unexpected shape is a {@link StoreException}. */
final class Replies {

  private Replies() {}

  static List<?> list(Object reply, String what) {
    if (reply instanceof List<?> list) {
      return list;
    }
    throw unexpected(reply, what, "a list");
  }

  static long number(Object reply, String what) {
    if (reply instanceof Long n) {
      return n;
    }
    throw unexpected(reply, what, "an integer");
  }

  /** A bulk string, or null for a Redis nil. */
  static String text(Object reply, String what) {
    if (reply == null || reply instanceof String) {
      return (String) reply;
    }
    throw unexpected(reply, what, "a string");
  }

  /** A bulk string of a binary reply, as text; null for a Redis nil. */
  static String bytesAsText(Object reply, String what) {
    if (reply == null || reply instanceof byte[]) {
      return ScriptArgs.text(reply);
    }
    throw unexpected(reply, what, "a string");
  }

  private static StoreException unexpected(Object reply, String what, String expected) {
    String found = reply == null ? "nil" : reply.getClass().getSimpleName() + " " + reply;
    return new StoreException(
        "unexpected reply from Redis for " + what + ": expected " + expected + ", got " + found);
  }
}
