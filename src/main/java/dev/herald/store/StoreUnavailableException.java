package dev.herald.store;

/**
 * Redis cannot serve us right now: connection refused, pool exhausted, or a transient refusal
 * ({@code BUSY}, {@code LOADING}, {@code READONLY}, {@code OOM}, …). The command did not run:
 * nothing was changed that the caller needs to undo; the caller backs off and tries again.
 *
 * <p>Except for the subtype {@link StoreOutcomeUnknownException}: the command was sent and the
 * reply lost (a read timeout, a connection broken while waiting), so it may have run.
 */
public class StoreUnavailableException extends RuntimeException {
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
