package dev.herald.store;

/**
 * Redis refused our credentials or our ACL forbids a command Herald needs ({@code NOAUTH}, {@code
 * WRONGPASS}, {@code NOPERM}). Retrying will not help: the configuration must change.
 */
public class StoreAccessDeniedException extends RuntimeException {
  public StoreAccessDeniedException(String message, Throwable cause) {
    super(message, cause);
  }
}
