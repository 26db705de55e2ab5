package dev.herald.model;

/** A difference between the store and the model: the property fails with it. */
final class Mismatch extends AssertionError {

  Mismatch(String message) {
    super(message);
  }

  static void check(boolean holds, String format, Object... args) {
    if (!holds) {
      throw new Mismatch(String.format(format, args));
    }
  }
}
