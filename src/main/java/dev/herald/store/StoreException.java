package dev.herald.store;

/**
 * Redis answered, but not as the store's contract expects: a reply of the wrong shape, a key of the
 * wrong type where the store keeps its own structures, a script error. Usually a bug or a
 * hand-edited key; the message names the key and what was found.
 */
public class StoreException extends RuntimeException {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
