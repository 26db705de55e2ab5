package dev.herald.publish;

/** A route's event cannot be built; the attempt fails as {@code payload_encoding_failed}. */
public final class EventEncodingException extends Exception {
  public EventEncodingException(String message) {
    super(message);
  }
}
