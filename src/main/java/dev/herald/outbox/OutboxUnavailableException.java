package dev.herald.outbox;

import dev.herald.store.StoreUnavailableException;

/**
 * The outbox database cannot serve us right now: connection refused or lost, server shutting down
 * or starting, a timeout, a serialization failure. Nothing the caller needs to undo: the relay's
 * transaction rolled back and its rows stay pending; it backs off and tries again.
 */
public final class OutboxUnavailableException extends StoreUnavailableException {
  public OutboxUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
