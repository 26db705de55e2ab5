package dev.herald.outbox;

/**
 * The outbox database answered, but it cannot work as set up: the table is missing or of another
 * shape, the user lacks a privilege, or the credentials were refused. Retrying will not help until
 * an operator acts; the message says what to do.
 */
public final class OutboxSetupException extends RuntimeException {
  public OutboxSetupException(String message, Throwable cause) {
    super(message, cause);
  }
}
