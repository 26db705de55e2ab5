package dev.herald.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The API's bearer tokens, each bound to one producer. Only each token's SHA-256 is kept (the
 * config holds nothing worth stealing), a presented token is hashed and compared with every known
 * hash in constant time, and no token is ever logged.
 */
public final class Tokens {

  /** A token's hash and the producer it may submit as. */
  public record Entry(String producer, String sha256Hex) {}

  private record Known(String producer, byte[] hash) {}

  private final List<Known> known;

  public Tokens(List<Entry> entries) {
    this.known =
        entries.stream()
            .map(e -> new Known(e.producer(), HexFormat.of().parseHex(e.sha256Hex())))
            .toList();
  }

  /** True when no token is configured: anyone who can connect may submit as any producer. */
  public boolean open() {
    return known.isEmpty();
  }

  /**
   * The producer of the token in an {@code Authorization} header value, empty when the header is
   * missing, not {@code Bearer <token>}, or names no known token.
   */
  Optional<String> producerOf(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    byte[] hash = sha256(authorization.substring(7).strip());
    String match = null;
    for (Known k : known) {
      // Every hash is compared, so the time taken says nothing about which one matched.
      if (MessageDigest.isEqual(k.hash(), hash) && match == null) {
        match = k.producer();
      }
    }
    return Optional.ofNullable(match);
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The hex SHA-256 of a token, as the config takes it. */
  public static String hash(String token) {
    return HexFormat.of().formatHex(sha256(token));
  }
}
