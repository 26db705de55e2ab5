package dev.herald.store;

/**
 * Redis cannot serve us right now: connection refused or lost, pool exhausted, or a transient
 * refusal ({@code BUSY}, {@code LOADING}, {@code READONLY}, {@code OOM}, …). Nothing was changed
 * that the caller needs to undo; the caller backs off and tries again.
 */
public class StoreUnavailableException extends RuntimeException {
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
