package dev.herald.console;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The console users' passwords, kept only as salted PBKDF2-HMAC-SHA256 hashes: {@code
 * pbkdf2-sha256:<iterations>:<salt, base64>:<hash, base64>}. Slow on purpose (a guessed password
 * costs the guesser as much as a sign-in); checked once per sign-in, not per request.
 */
public final class Passwords {

  /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256. */
  public static final int ITERATIONS = 600_000;

  private static final SecureRandom RANDOM = new SecureRandom();

  private Passwords() {}

  /** A new hash of {@code password} with a fresh salt. */
  public static String hash(char[] password, int iterations) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    Base64.Encoder b64 = Base64.getEncoder();
    return "pbkdf2-sha256:"
        + iterations
        + ":"
        + b64.encodeToString(salt)
        + ":"
        + b64.encodeToString(derive(password, salt, iterations));
  }

  /** True when {@code password} is the one {@code stored} was made from (constant time). */
  public static boolean matches(String stored, char[] password) {
    String[] parts = stored.split(":");
    if (parts.length != 4 || !parts[0].equals("pbkdf2-sha256")) {
      return false;
    }
    try {
      byte[] salt = Base64.getDecoder().decode(parts[2]);
      byte[] expected = Base64.getDecoder().decode(parts[3]);
      return MessageDigest.isEqual(
          expected, derive(password, salt, Integer.parseInt(parts[1]), expected.length * 8));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations) {
    return derive(password, salt, iterations, 256);
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations, int bits) {
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
          .generateSecret(new PBEKeySpec(password, salt, iterations, bits))
          .getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JVM", e);
    }
  }
}
