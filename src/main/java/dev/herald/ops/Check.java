package dev.herald.ops;

/** The answer of a health or readiness check: HTTP 200 when {@code ok}, else 503; with why. */
public record Check(boolean ok, String message) {

  static Check ok(String message) {
    return new Check(true, message);
  }

  static Check failed(String message) {
    return new Check(false, message);
  }
}
