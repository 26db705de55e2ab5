package dev.herald.store.redis;

/** SCAN's MATCH patterns. */
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
}
