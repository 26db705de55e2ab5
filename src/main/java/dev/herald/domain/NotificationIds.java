package dev.herald.domain;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Random;

/**
 * Notification ids in the ULID form: 26 characters of Crockford base32, 48 bits of milliseconds
 * then 80 random bits. They sort by acceptance time, carry no characters that need escaping in keys
 * or URLs, and are unique without coordination between Herald processes.
 *
 * <p>Monotonic, as the ULID specification's monotonic mode: an id made in the same millisecond as
 * the one before it (or when the clock stood still) is the one before plus one, so that the ids one
 * generator makes sort in the order it made them. The schedule orders routes due at the same
 * millisecond by id, so this is what keeps a producer's notifications in submission order.
 * Thread-safe.
 *
 * <p>With more than one shard ({@link Shards}) the lowest 10 bits (the last two characters) say
 * which shard the notification is in, and the same-millisecond increment steps over them, so that
 * ids stay monotonic; 70 random bits remain.
 */
public final class NotificationIds {

  private static final String ALPHABET_TEXT = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  private static final char[] ALPHABET = ALPHABET_TEXT.toCharArray();
  private static final long MASK_40 = 0xFFFFFFFFFFL;
  private static final long SHARD_BITS = 0x3FF;

  private final Random random;
  private final Shards shards;
  private long lastTime = -1; // guarded by this
  private long lastHigh; // the upper 40 of the 80 random bits, guarded by this
  private long lastLow; // the lower 40, guarded by this

  public NotificationIds() {
    this(new SecureRandom());
  }

  /** Ids that carry their shard, of {@code shards}. */
  public NotificationIds(Shards shards) {
    this(new SecureRandom(), shards);
  }

  /** For tests: a seeded source makes ids repeatable. */
  public NotificationIds(Random random) {
    this(random, Shards.ONE);
  }

  public NotificationIds(Random random, Shards shards) {
    this.random = random;
    this.shards = shards;
  }

  /** The shards the ids are for. */
  public Shards shards() {
    return shards;
  }

  /** An id in the next shard in turn (with one shard: any id). */
  public String next(Instant now) {
    return next(now, shards.forNew(null, null));
  }

  /**
   * An id for a new notification of {@code producer}: in the shard of its idempotency key when it
   * has one (null: none).
   */
  public String nextFor(Instant now, String producer, String idempotencyKey) {
    return next(now, shards.forNew(producer, idempotencyKey));
  }

  private synchronized String next(Instant now, int shard) {
    boolean sharded = shards.count() > 1;
    long step = sharded ? SHARD_BITS + 1 : 1;
    long time = Math.max(now.toEpochMilli(), lastTime);
    if (time == lastTime) {
      lastLow = (lastLow + step) & MASK_40;
      if (lastLow < step) { // the lower 40 bits wrapped: carry into the upper
        lastHigh = (lastHigh + 1) & MASK_40;
        if (lastHigh == 0) {
          time++; // all 80 bits used up within one millisecond: borrow the next one
        }
      }
    } else {
      lastHigh = random.nextLong() & MASK_40;
      lastLow = random.nextLong() & MASK_40;
    }
    lastTime = time;
    long low = sharded ? (lastLow & ~SHARD_BITS) | shard : lastLow;
    return encode(time, lastHigh, low);
  }

  /** The lowest 10 bits of an id (its last two characters), where a sharded id keeps its shard. */
  static long low10Bits(String id) {
    String alphabet = new String(ALPHABET);
    int high = alphabet.indexOf(Character.toUpperCase(id.charAt(24)));
    int low = alphabet.indexOf(Character.toUpperCase(id.charAt(25)));
    return (high << 5) | low;
  }

  private static String encode(long time, long high, long low) {
    char[] out = new char[26];
    for (int i = 9; i >= 0; i--) {
      out[i] = ALPHABET[(int) (time & 31)];
      time >>>= 5;
    }
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
      if (c > 127 || ALPHABET_TEXT.indexOf(Character.toUpperCase(c)) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The id of a notification made from another one's part, the same wherever and however often it
   * is made: the time of {@code source} (its first 10 characters, so that it sorts as the source
   * did), then 80 bits of the SHA-256 of {@code source + "/" + part}. An imported dead letter's id
   * ({@code part} its route id), so that importing the same dead letter twice finds the first.
   */
  public static String derived(String source, String part) {
    if (!isId(source)) {
      throw new IllegalArgumentException("not a notification id: " + source);
    }
    byte[] hash;
    try {
      hash =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(
                  (canonical(source) + "/" + part)
                      .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
    long high = 0;
    long low = 0;
    for (int i = 0; i < 5; i++) {
      high = high << 8 | (hash[i] & 0xFF);
      low = low << 8 | (hash[5 + i] & 0xFF);
    }
    String random = encode(0, high, low).substring(10);
    return canonical(source).substring(0, 10) + random;
  }

  /**
   * The id of the notification of an intent read from a shard's intents stream, the same however
   * often it is made: the entry's time ({@code entryMillis}, so that it sorts as the entries did),
   * then 70 bits of the SHA-256 of {@code stream + "/" + entryId}, then {@code shard} in the lowest
   * 10 bits. An accept sent again after a crash (or by a consumer that took the intent over) so
   * makes the very notification the first made, which the store recognises as stored already.
   */
  public static String ofIntent(String stream, String entryId, long entryMillis, int shard) {
    if (shard < 0 || shard >= Shards.MAX) {
      throw new IllegalArgumentException("shard must be between 0 and 1023 (was " + shard + ")");
    }
    byte[] hash = sha256(stream + "/" + entryId);
    long high = 0;
    long low = 0;
    for (int i = 0; i < 5; i++) {
      high = high << 8 | (hash[i] & 0xFF);
      low = low << 8 | (hash[5 + i] & 0xFF);
    }
    return encode(entryMillis, high, (low & ~SHARD_BITS) | shard);
  }

  private static byte[] sha256(String text) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  /**
   * As {@link #derived}, for a store of several shards: the last two characters (the shard bits)
   * are {@code source}'s, so that the new notification is in the source's shard whatever the shard
   * count, and the check that the source is gone and the write are one step in one slot.
   */
  public static String derivedInShardOf(String source, String part) {
    return derived(source, part).substring(0, 24) + canonical(source).substring(24);
  }

  /**
   * The milliseconds an id was made at (its first 48 bits: the acceptance time, or later when the
   * clock stood still); {@code id} must pass {@link #isId}.
   */
  public static long timeOf(String id) {
    long time = 0;
    for (int i = 0; i < 10; i++) {
      time = (time << 5) | ALPHABET_TEXT.indexOf(Character.toUpperCase(id.charAt(i)));
    }
    return time;
  }

  /** An id as Herald makes and stores it, in upper case; {@code id} must pass {@link #isId}. */
  public static String canonical(String id) {
    return id.toUpperCase(java.util.Locale.ROOT);
  }
}
