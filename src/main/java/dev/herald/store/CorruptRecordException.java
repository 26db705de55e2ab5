package dev.herald.store;

/** A stored notification or route cannot be read back. The message says which and why. */
public class CorruptRecordException extends StoreException {
  public CorruptRecordException(String message) {
    super(message);
  }

  public CorruptRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
