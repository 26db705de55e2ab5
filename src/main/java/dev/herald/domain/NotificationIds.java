package dev.herald.domain;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Random;

/**
 * Notification ids in the ULID form: 26 characters of Crockford base32, 48 bits of milliseconds
 * then 80 random bits. They sort by acceptance time, carry no characters that need escaping in keys
 * or URLs, and are unique without coordination between Herald processes.
 */
public final class NotificationIds {

  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private final Random random;

  public NotificationIds() {
    this(new SecureRandom());
  }

  /** For tests: a seeded source makes ids repeatable. */
  public NotificationIds(Random random) {
    this.random = random;
  }

  public String next(Instant now) {
    char[] out = new char[26];
    long time = now.toEpochMilli();
    for (int i = 9; i >= 0; i--) {
      out[i] = ALPHABET[(int) (time & 31)];
      time >>>= 5;
    }
    long high = random.nextLong() & 0xFFFFFFFFFFL; // 40 bits
    long low = random.nextLong() & 0xFFFFFFFFFFL; // 40 bits
    for (int i = 17; i >= 10; i--) {
      out[i] = ALPHABET[(int) (high & 31)];
      high >>>= 5;
    }
    for (int i = 25; i >= 18; i--) {
      out[i] = ALPHABET[(int) (low & 31)];
      low >>>= 5;
    }
    return new String(out);
  }

  /**
   * True when the text is a notification id, read without regard to case: 26 characters of
   * Crockford base32 (ASCII digits and letters but I, L, O and U), the first 0 to 7, as a ULID's
   * 128 bits leave it. Such an id can only ever name a notification's own keys.
   */
  public static boolean isId(String text) {
    if (text == null || text.length() != 26 || text.charAt(0) > '7') {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c > 127 || new String(ALPHABET).indexOf(Character.toUpperCase(c)) < 0) {
        return false;
      }
    }
    return true;
  }

  /** An id as Herald makes and stores it, in upper case; {@code id} must pass {@link #isId}. */
  public static String canonical(String id) {
    return id.toUpperCase(java.util.Locale.ROOT);
  }

  /** True when the text has the shape of an id this class makes. */
  public static boolean looksLikeId(String text) {
    if (text == null || text.length() != 26) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (new String(ALPHABET).indexOf(text.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }
}
