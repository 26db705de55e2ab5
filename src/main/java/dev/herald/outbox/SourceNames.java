package dev.herald.outbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The source part of the relay's idempotency keys: {@code <database>.<table>}, so that outboxes of
 * two databases relayed into one Herald namespace never share a key. A database name that cannot be
 * part of a key (too long, or with characters keys refuse) is replaced by a hash of it.
 */
final class SourceNames {

  /** Keeps {@code outbox:<source>:<19-digit id>} within the 128 characters a key may have. */
  private static final int MAX_DATABASE_CHARS = 48;

  private SourceNames() {}

  static String of(String database, String table) {
    boolean usable = database.length() <= MAX_DATABASE_CHARS && database.matches("[A-Za-z0-9_.-]+");
    return (usable ? database : "h" + hash(database)) + "." + table;
  }

  private static String hash(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
