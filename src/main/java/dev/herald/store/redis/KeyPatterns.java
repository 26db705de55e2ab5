package dev.herald.store.redis;

import java.util.List;
import java.util.function.Consumer;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** SCAN's MATCH patterns, and the walk over the keys one matches. */
final class KeyPatterns {

  private KeyPatterns() {}

  /** {@code text} with the glob characters of a MATCH pattern escaped, to match as written. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  /**
   * Hands each non-empty SCAN page of the keys starting with {@code prefix} to {@code page}, until
   * the cursor comes back to the start; {@code what} names the keys in the error of a failed page.
   */
  static void forEachPage(
      UnifiedJedis redis, String prefix, int count, String what, Consumer<List<String>> page) {
    ScanParams params = new ScanParams().match(escape(prefix) + "*").count(count);
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      String at = cursor;
      ScanResult<String> result =
          RedisErrors.call("scanning the source's " + what, () -> redis.scan(at, params));
      cursor = result.getCursor();
      if (!result.getResult().isEmpty()) {
        page.accept(result.getResult());
      }
    } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
  }
}
